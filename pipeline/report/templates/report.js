(function () {
  var kind = document.getElementById("filter-kind"), bundle = document.getElementById("filter-bundle");
  var shown = document.getElementById("shown");
  if (!kind || !bundle) { return; }
  var rows = document.querySelectorAll("#findings-table tbody tr");
  function apply() {
    var n = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var ok = (!kind.value || r.getAttribute("data-kind") === kind.value) &&
               (!bundle.value || r.getAttribute("data-bundle") === bundle.value);
      r.className = r.className.replace(/ ?hidden/g, "") + (ok ? "" : " hidden");
      if (ok) { n++; }
    }
    shown.textContent = shown.getAttribute("data-template").replace("{shown}", n).replace("{total}", rows.length);
  }
  kind.addEventListener("change", apply);
  bundle.addEventListener("change", apply);
  apply();
})();
