"""The leaf every other room may import: records, errors, limits, the header vocabulary, file helpers.

Nothing here imports from the rest of the project.
"""
