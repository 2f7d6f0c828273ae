"""A document's region as the dataset gets it: the status that says none was found and how to set
it, the manifest that sets it (with its code), ambiguous names named in the status."""
from __future__ import annotations

from pipeline.core.records import Document
from pipeline.reading.document import apply_manifest, read_document, unknown_region_warnings
from pipeline.reading.region import RegionFinding
from tests.conftest import RAW


def test_a_list_without_a_region_says_so_and_how_to_set_it(catalog, tmp_path):
    seed = next(RAW.glob("003*.txt"))              # 淄博's notice without its document number
    text = seed.read_text(encoding="utf-8").replace("淄人社函", "人社函").replace("淄博", "本市").replace("山东", "本省")
    path = tmp_path / "attachment.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path, path.name, catalog).document
    assert (doc.region, doc.region_code, doc.province, doc.status) == ("", "", "", "warning")
    assert f"{path.name}: no region was found" in doc.message
    assert f"set region (a name such as 青岛市 or a division code such as 370200) for {path.name} in raw/manifest.tsv" \
        in doc.message


def test_a_catalog_list_alone_is_compared_with_nothing_and_gets_no_region_warning(catalog):
    path = next(RAW.glob("004*.txt"))
    doc = read_document(path, path.name, catalog).document
    assert (doc.region, doc.status, doc.message) == ("", "ok", "")


def test_the_manifest_sets_the_region_its_code_and_clears_the_warning(catalog):
    doc = Document("a.txt", status="warning", message=unknown_region_warnings(RegionFinding(None), "a.txt")[0])
    fixed = apply_manifest(doc, {"file": "a.txt", "region": "平度市"}, catalog)
    assert (fixed.region, fixed.region_code, fixed.province, fixed.level, fixed.status, fixed.message) == \
        ("青岛市平度市", "370283", "山东省", "district", "ok", "")


def test_the_manifest_may_name_the_region_by_its_code(catalog):
    fixed = apply_manifest(Document("a.txt"), {"file": "a.txt", "region": "370200"}, catalog)
    assert (fixed.region, fixed.region_code, fixed.province, fixed.level) == ("青岛市", "370200", "山东省", "city")


def test_a_region_the_manifest_names_but_the_gazetteer_lacks_is_kept_without_a_code(catalog):
    fixed = apply_manifest(Document("a.txt"), {"file": "a.txt", "region": "某开发区", "province": "山东省",
                                               "level": "district"}, catalog)
    assert (fixed.region, fixed.region_code, fixed.province) == ("某开发区", "", "山东省")


def test_an_ambiguous_name_is_named_with_its_candidates(catalog):
    places = tuple(catalog.gazetteer.by_code(c) for c in ("110105", "220104"))
    [message] = unknown_region_warnings(RegionFinding(None, "title", "朝阳区", places), "a.txt")
    assert "'朝阳区': 北京市朝阳区 (110105, 北京市), 长春市朝阳区 (220104, 吉林省)" in message
    assert "raw/manifest.tsv" in message
