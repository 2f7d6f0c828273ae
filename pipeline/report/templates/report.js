(function () {
  // Filters of a city page: by finding kind and by bundle. The choice is kept in the address
  // (#kind=missing&bundle=N1), so a filtered view can be bookmarked or sent.
  var kind = document.getElementById("filter-kind"), bundle = document.getElementById("filter-bundle");
  var shown = document.getElementById("shown");
  if (!kind || !bundle) { return; }
  var rows = document.querySelectorAll("#findings-table tbody tr");
  function fromHash() {
    var parts = window.location.hash.replace(/^#/, "").split("&");
    for (var i = 0; i < parts.length; i++) {
      var kv = parts[i].split("=");
      var value = decodeURIComponent(kv[1] || "");
      if (kv[0] === "kind") { kind.value = value; }
      if (kv[0] === "bundle") { bundle.value = value; }
    }
  }
  function apply() {
    var n = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var ok = (!kind.value || r.getAttribute("data-kind") === kind.value) &&
               (!bundle.value || r.getAttribute("data-bundle") === bundle.value);
      r.classList.toggle("hidden", !ok);
      if (ok) { n++; }
    }
    shown.textContent = shown.getAttribute("data-template").replace("{shown}", n).replace("{total}", rows.length);
  }
  function changed() {
    var hash = [];
    if (kind.value) { hash.push("kind=" + encodeURIComponent(kind.value)); }
    if (bundle.value) { hash.push("bundle=" + encodeURIComponent(bundle.value)); }
    try { history.replaceState(null, "", "#" + hash.join("&")); } catch (e) { window.location.hash = hash.join("&"); }
    apply();
  }
  kind.addEventListener("change", changed);
  bundle.addEventListener("change", changed);
  fromHash();
  apply();
})();
