// The page's one hidden helper element (app/a11y.py): it moves keyboard focus to a button after a rerun, says short
// texts in a polite ARIA live region, and reports once whether the screen is narrow. Streamlit has none of the three.
const live = () => {
  let node = document.getElementById("gp-live-region");
  if (!node) {  // one region for the whole page, outside Streamlit's tree, so a redraw never resets it
    node = document.createElement("div");
    node.id = "gp-live-region";
    node.setAttribute("aria-live", "polite");
    node.setAttribute("role", "status");
    node.setAttribute("data-testid", "gp-live-region");
    node.style.cssText = "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);"
      + "white-space:nowrap;";
    document.body.appendChild(node);
  }
  return node;
};
const lost = () => {
  const a = document.activeElement;
  return !a || a === document.body || a.disabled;
};
function focusButton(label, onlyIfLost, tries) {
  // a button's text without its icon's name (the icon is a ligature: its text is "pause")
  const text = (b) => (b.querySelector("[data-testid='stMarkdownContainer']") || b).innerText.trim();
  const button = [...document.querySelectorAll("[data-testid='stMain'] button")]
    .find((b) => text(b) === label && !b.disabled && b.offsetParent !== null);
  if (button) { if (!onlyIfLost || lost()) button.focus(); return; }
  if (tries > 0) setTimeout(() => focusButton(label, onlyIfLost, tries - 1), 50);
}
export default function ({ data, parentElement, setStateValue }) {
  const host = parentElement.host || parentElement;
  const box = host.closest("[data-testid='stElementContainer']");
  if (box) box.style.display = "none";
  if (data.focus && window.__gpFocused !== data.focus.nonce) {
    window.__gpFocused = data.focus.nonce;
    focusButton(data.focus.label, data.focus.only_if_lost, 60);
  }
  if (typeof data.say === "string") {
    const node = live();
    if (node.textContent !== data.say) node.textContent = data.say;
  }
  if (data.narrow_px) {
    const narrow = window.innerWidth < data.narrow_px;
    if (data.narrow !== narrow) setStateValue("narrow", narrow);
  }
}
