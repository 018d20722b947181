/* The booking page (đặt lịch hẹn): plain forms that work without JavaScript; this script only
 * shows the slots as soon as a field or a day is chosen (the form's button does it otherwise)
 * and asks before a booking is cancelled. Words come from the boot JSON. */
(function () {
  "use strict";
  var boot = Motcua.boot();
  var S = boot.strings;
  var choose = Motcua.$("choose");
  if (choose) {
    var selects = choose.querySelectorAll("select.autosubmit");
    for (var i = 0; i < selects.length; i++) {
      selects[i].addEventListener("change", function (e) {
        if (e.target.id === "field" && Motcua.$("day")) Motcua.$("day").disabled = true; // a new field: its first free day
        choose.submit();
      });
    }
    Motcua.$("show-slots").hidden = true;
  }
  var cancel = Motcua.$("cancel");
  if (cancel) {
    cancel.addEventListener("submit", function (e) {
      if (!window.confirm(S.confirm_cancel)) e.preventDefault();
    });
  }
})();
