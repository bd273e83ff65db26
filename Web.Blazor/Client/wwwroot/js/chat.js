// The few things the chat page needs from the browser itself: keys in the composer, copying, and hearing
// that the network or the tab came back. Everything else is Blazor.

// Enter sends, Shift+Enter is a newline (the textarea's own), Escape stops the answer. Handled here rather
// than in .NET because only a synchronous handler can prevent the newline.
export function attachComposer(textarea) {
  textarea.addEventListener('keydown', event => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      textarea.form?.requestSubmit();
    } else if (event.key === 'Escape') {
      document.querySelector('[data-testid="stop"]:not([disabled])')?.click();
    }
  });
  textarea.focus();
}

export function focus(element) {
  element?.focus();
}

// Escape stops the answer wherever the focus is, not only in the composer.
document.addEventListener('keydown', event => {
  if (event.key === 'Escape' && !event.target.closest?.('textarea')) {
    document.querySelector('[data-testid="stop"]:not([disabled])')?.click();
  }
});

// Copy buttons of code blocks are in rendered markdown, so one delegated listener serves them all.
document.addEventListener('click', async event => {
  const button = event.target.closest?.('.copy-code');
  if (!button) return;
  const code = button.parentElement.querySelector('pre')?.innerText ?? '';
  await copyText(code, button);
});

export async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    flash(button, 'Copied');
  } catch {
    flash(button, 'Copy failed');
  }
}

function flash(button, label) {
  if (!button) return;
  const before = button.dataset.label ?? button.textContent;
  button.dataset.label = before;
  button.textContent = label;
  setTimeout(() => { button.textContent = before; }, 1200);
}

// Reconnect at once when the browser says the network is back or the tab is shown again, rather than
// waiting out a backoff that was scheduled while nothing could work anyway.
export function watchConnectivity(session) {
  const cameBack = () => session.invokeMethodAsync('BrowserCameBack');
  const visible = () => { if (document.visibilityState === 'visible') cameBack(); };
  window.addEventListener('online', cameBack);
  document.addEventListener('visibilitychange', visible);
  return {
    dispose() {
      window.removeEventListener('online', cameBack);
      document.removeEventListener('visibilitychange', visible);
    },
  };
}
