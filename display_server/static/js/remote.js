/* The remote-ticket page (lấy số từ xa): a plain form that works without JavaScript; this
 * script only keeps a second tap from being sent while the first is on its way (the form's
 * request_id would answer the same ticket anyway) and says so. Words come from the boot JSON. */
(function () {
  "use strict";
  var S = Motcua.boot().strings;
  var form = Motcua.$("take");
  if (!form) return;
  var sent = false;
  form.addEventListener("submit", function (e) {
    if (sent) { e.preventDefault(); return; }
    sent = true;
    var chosen = e.submitter;
    if (chosen) {
      // the chosen field goes with the form even once its button is disabled
      var keep = document.createElement("input");
      keep.type = "hidden"; keep.name = chosen.name; keep.value = chosen.value;
      form.appendChild(keep);
      chosen.querySelector(".field-facts").textContent = S.taking;
    }
    var buttons = form.querySelectorAll("button");
    window.setTimeout(function () {
      for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
    }, 0);
  });
})();
