/**
 * How the uptime bars answer the mouse and the keyboard, wired once on
 * their container (the rows are re-rendered, the listeners stay):
 * - click, Enter or Space on a bar chooses its day;
 * - in a strip, ←/→ move by a day, Home/End jump to the ends, and ↑/↓ move
 *   to the same day of the node above or below (one tab stop per strip);
 * - hovering or focusing a bar shows its numbers in a tooltip; Escape hides it.
 *
 * @example
 * wireBars(document.querySelector('#nodes'), document.querySelector('#tooltip'), (day) => selectDay(day));
 */
export function wireBars(container: HTMLElement, tooltip: HTMLElement, onChoose: (day: string) => void): void {
  const barOf = (target: EventTarget | null): HTMLButtonElement | null =>
    target instanceof Element ? target.closest<HTMLButtonElement>('button.bar') : null;

  container.addEventListener('click', (event) => {
    const bar = barOf(event.target);
    if (bar?.dataset.day) onChoose(bar.dataset.day);
  });

  container.addEventListener('keydown', (event) => {
    const bar = barOf(event.target);
    if (!bar) return;
    if (event.key === 'Escape') {
      hideTooltip(tooltip);
      return;
    }
    const target = neighbour(bar, event.key);
    if (!target) return;
    event.preventDefault();
    bar.tabIndex = -1;
    target.tabIndex = 0;
    target.focus();
  });

  const show = (event: Event) => {
    const bar = barOf(event.target);
    if (bar) showTooltip(tooltip, bar);
  };
  const hide = (event: Event) => {
    if (barOf(event.target)) hideTooltip(tooltip);
  };
  container.addEventListener('mouseover', show);
  container.addEventListener('focusin', show);
  container.addEventListener('mouseout', hide);
  container.addEventListener('focusout', hide);
  // A tooltip left where a bar used to be would point at nothing: it follows the focused bar (focusing one
  // below the fold scrolls the page to it), or goes.
  window.addEventListener(
    'scroll',
    () => {
      const focused = barOf(document.activeElement);
      if (focused && container.contains(focused)) showTooltip(tooltip, focused);
      else hideTooltip(tooltip);
    },
    { passive: true },
  );
}

function neighbour(bar: HTMLButtonElement, key: string): HTMLButtonElement | undefined {
  const strip = bar.parentElement;
  if (!strip) return undefined;
  const bars = [...strip.querySelectorAll<HTMLButtonElement>('button.bar')];
  const index = bars.indexOf(bar);
  switch (key) {
    case 'ArrowLeft':
      return bars[index - 1];
    case 'ArrowRight':
      return bars[index + 1];
    case 'Home':
      return bars[0];
    case 'End':
      return bars[bars.length - 1];
    case 'ArrowUp':
    case 'ArrowDown': {
      const row = strip.closest('li');
      const other = key === 'ArrowUp' ? row?.previousElementSibling : row?.nextElementSibling;
      const day = bar.dataset.day ?? '';
      return other?.querySelector<HTMLButtonElement>(`button.bar[data-day="${CSS.escape(day)}"]`) ?? undefined;
    }
    default:
      return undefined;
  }
}

function showTooltip(tooltip: HTMLElement, bar: HTMLElement): void {
  tooltip.textContent = bar.dataset.tip ?? '';
  tooltip.hidden = false;
  const box = bar.getBoundingClientRect();
  const tip = tooltip.getBoundingClientRect();
  const margin = 4;
  const left = Math.min(Math.max(margin, box.left + box.width / 2 - tip.width / 2), window.innerWidth - tip.width - margin);
  const above = box.top - tip.height - 8;
  // Inline positions are set through the CSSOM, which the Content-Security-Policy allows.
  tooltip.style.left = `${Math.max(margin, left)}px`;
  tooltip.style.top = `${above >= margin ? above : box.bottom + 8}px`;
}

function hideTooltip(tooltip: HTMLElement): void {
  tooltip.hidden = true;
}
