// After a failed submit: focus the error summary and bring it into view (autofocus does
// this without JavaScript where the browser honours it), and let its links focus the field.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary[tabindex]");
  if (!summary) return;
  if (document.activeElement !== summary) summary.focus();
  summary.scrollIntoView({ block: "start" });
  summary.querySelectorAll("a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.focus();
    });
  });
});
