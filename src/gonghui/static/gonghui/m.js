// Worker H5 behaviour that the Content-Security-Policy allows (no inline handlers).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
    el.form.submit();
  }
});
