// Workbench behaviour that the Content-Security-Policy allows (no inline handlers).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("input[type=file][data-file-names]")) {
    // the browser's own "no file chosen" text is not in Chinese everywhere: show the names ourselves
    var label = el.closest("label");
    if (label && el.files.length) {
      label.firstChild.textContent = Array.prototype.map.call(el.files, function (f) { return f.name; }).join("、");
    }
  }
});
// A form that asks before it is sent (e.g. approving a payment batch: its count and total)
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
// 打印办件: the browser's print (the print stylesheet leaves out navigation, buttons and forms)
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) window.print();
});
