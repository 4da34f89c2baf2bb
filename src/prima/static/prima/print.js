// Buttons marked data-print open the browser's print dialog. They start hidden, so that
// without JavaScript the page shows no button that does nothing (the browser's own Print works).
for (const button of document.querySelectorAll("button[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
