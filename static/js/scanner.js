// Scanner screens: keep the scan input focused (a keyboard-wedge scanner types into whatever has
// focus and ends with Enter), select its text so a re-scan replaces it, and beep on the outcome
// of the last scan (high = OK, low = wrong) unless the operator muted sounds.
(function () {
  "use strict";
  function focusScan() {
    var input = document.querySelector("[data-scan]");
    if (input && document.activeElement !== input && !document.activeElement.closest("details[open]")) {
      input.focus();
      if (input.select) input.select();
    }
  }
  function beep(ok) {
    if (localStorage.getItem("scannerMuted") === "1") return;
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      var ctx = new Ctx();
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.frequency.value = ok ? 1200 : 220;
      gain.gain.value = 0.08;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + (ok ? 0.08 : 0.35));
    } catch (e) { /* no audio: the colours still say it */ }
  }
  document.addEventListener("DOMContentLoaded", function () {
    focusScan();
    if (document.querySelector(".feedback.bad")) beep(false);
    else if (document.querySelector(".feedback.ok")) beep(true);
    // Multi-field scan forms: Enter (sent by the scanner after each code) moves to the next
    // field; on the last field it submits.
    document.querySelectorAll("form[data-scan-sequence]").forEach(function (form) {
      var fields = Array.prototype.slice.call(form.querySelectorAll("input[type=text],input[type=number]"));
      fields.forEach(function (field, i) {
        field.addEventListener("keydown", function (e) {
          if (e.key !== "Enter" || i === fields.length - 1) return;
          e.preventDefault();
          fields[i + 1].focus();
          if (fields[i + 1].select) fields[i + 1].select();
        });
      });
    });
    // A tap outside any form control brings the focus back to the scan field.
    document.addEventListener("click", function (e) {
      if (!e.target.closest("input,select,textarea,button,a,summary,label")) focusScan();
    });
  });
})();
