// The copy buttons next to read-only address fields. Without JavaScript the buttons stay hidden
// (CSS) and the field itself can be selected and copied; with it, one tap copies.
document.documentElement.classList.add("js");
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  const status = button.parentElement.querySelector(".copy-status");
  let copied = false;
  try {
    await navigator.clipboard.writeText(field.value);
    copied = true;
  } catch {
    // Older browsers and plain-http pages have no clipboard API: select the text and copy it.
    field.select();
    copied = document.execCommand && document.execCommand("copy");
  }
  if (status) status.textContent = copied ? (button.dataset.copied || "已复制，可以粘贴到日历里了") : "请长按地址，选“全选”再“复制”";
});

// The 打印 button of the one-time code slip (without JavaScript it stays hidden: the browser's menu prints).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
