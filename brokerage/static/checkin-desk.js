// Keep the scanner field ready for the next badge. The desk works without this script:
// the field is autofocused on load; this only brings the focus back when the window
// regains it (e.g. after the phone's screen was off), unless someone is typing elsewhere.
(function () {
  "use strict";
  var input = document.getElementById("token");
  if (!input) return;
  function ready() {
    var active = document.activeElement;
    if (!active || active === document.body) input.focus();
  }
  window.addEventListener("focus", ready);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) ready();
  });
  if (input.hasAttribute("autofocus")) {
    input.focus();
    input.select();
  }
})();
