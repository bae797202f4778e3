// The door (back office check-in page). Without this script everything works: the
// session is opened with its button and the code is typed. With it, choosing a session
// opens it, the last answer is announced, and where the browser has a barcode reader
// (BarcodeDetector) a button reads the QR code with the phone's rear camera and sends it.
(function () {
  "use strict";
  document.querySelectorAll("[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { if (select.value) select.form.submit(); });
  });
  var answer = document.querySelector("[data-door-answer]");
  if (answer) answer.focus();

  var form = document.querySelector("[data-check-in-form]");
  if (!form || !("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var input = form.querySelector("input[name=code]");
  var start = form.querySelector("[data-scan]");
  var stop = form.querySelector("[data-scan-stop]");
  var box = form.querySelector("[data-scanner]");
  var video = form.querySelector("[data-scanner-video]");
  var status = form.querySelector("[data-scanner-status]");
  var stream = null;
  var timer = null;

  function close() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    clearTimeout(timer);
    video.srcObject = null;
    box.hidden = true;
    start.hidden = false;
  }

  window.BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") === -1) return;
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    function look() {
      if (!stream) return;
      detector.detect(video).then(function (codes) {
        if (!codes.length) { timer = setTimeout(look, 200); return; }
        input.value = codes[0].rawValue;
        close();
        form.submit();
      }, function () { timer = setTimeout(look, 500); });
    }
    start.hidden = false;
    start.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
        stream = s;
        video.srcObject = s;
        box.hidden = false;
        start.hidden = true;
        status.textContent = status.dataset.looking;
        return video.play();
      }).then(look, function () {
        close();
        status.textContent = status.dataset.unavailable;
        input.focus();
      });
    });
    stop.addEventListener("click", function () { close(); status.textContent = ""; input.focus(); });
  });
})();
