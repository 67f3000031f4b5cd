// Worker H5 behaviour that the Content-Security-Policy allows (no inline handlers).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (!el.matches || !el.form) return;
  if (el.matches("select[data-autosubmit]")) {
    el.form.submit();
  } else if (el.matches("input[type=file][data-autosubmit]") && el.files && el.files.length) {
    // one photo, one small request: a slow connection loses at most the photo being sent
    var label = el.closest("label");
    if (label) label.classList.add("m-uploading");
    el.form.submit();
  }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
// An app on the home screen: the service worker keeps the shell and shows an offline page (portal/app_shell.py)
if ("serviceWorker" in navigator && window.isSecureContext) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/m/sw.js", { scope: "/m/" }).catch(function () {});
  });
}
