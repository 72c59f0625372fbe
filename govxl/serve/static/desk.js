// Drag and drop onto an upload form: the dropped files become the form's chosen files. Without script the
// file chooser works as it is.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-drop]").forEach(function (form) {
    var zone = form.querySelector(".drop");
    var input = form.querySelector("input[type=file]");
    if (!zone || !input) return;
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      if (!e.dataTransfer || !e.dataTransfer.files.length) return;
      input.files = e.dataTransfer.files;
      form.submit();
    });
  });
});
