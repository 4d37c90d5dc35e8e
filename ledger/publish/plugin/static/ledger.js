// ledger pages: copy a citation, and bring the claim's highlight into view in its article.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      const status = button.parentElement.querySelector(".copied");
      try {
        await navigator.clipboard.writeText(source.value);
        if (status) status.textContent = "copied";
      } catch (e) {
        // no clipboard (plain http, old browser): select the text for Ctrl-C instead
        source.focus();
        source.select();
        if (status) status.textContent = "selected: press Ctrl-C to copy";
      }
    });
  });
  const box = document.getElementById("article-text");
  const mark = box && box.querySelector(".hl-content");
  if (mark) {
    box.scrollTop = mark.offsetTop - box.offsetTop - box.clientHeight / 3;
  }
});
