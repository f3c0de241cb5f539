// What both panels' rows share: bar placement and keyboard movement.

/** Bar geometry is set through the CSSOM: the page's Content-Security-Policy allows no inline style attributes. */
export function placeBars(root) {
  for (const bar of root.querySelectorAll('.bar')) {
    bar.style.left = `${bar.dataset.left}%`;
    bar.style.width = `${bar.dataset.width}%`;
  }
}

/** Up/down arrows (or j/k) move between the rows of one panel; Home/End jump to its ends. */
export function rowKeys(event) {
  const buttons = [...event.currentTarget.querySelectorAll('button.row')];
  const at = buttons.indexOf(document.activeElement);
  let next = -1;
  if (event.key === 'ArrowDown' || event.key === 'j') next = Math.min(buttons.length - 1, at + 1);
  else if (event.key === 'ArrowUp' || event.key === 'k') next = Math.max(0, at - 1);
  else if (event.key === 'Home') next = 0;
  else if (event.key === 'End') next = buttons.length - 1;
  if (next < 0) return;
  event.preventDefault();
  buttons[next].focus();
}
