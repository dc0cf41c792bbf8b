// Ending the session: closing every window ends Chromium, and the kiosk, which waits for
// the browser to exit, wipes the profile and the session folder and comes back.
chrome.runtime.onMessage.addListener(async (message) => {
  if (message && message.end) {
    for (const win of await chrome.windows.getAll()) {
      chrome.windows.remove(win.id);
    }
  }
});
