// Ending the session: closing every window ends Chromium, and the kiosk, which waits for
// the browser to exit, wipes the profile and the session folder and comes back.
chrome.runtime.onMessage.addListener(async (message) => {
  if (message && message.end) {
    for (const win of await chrome.windows.getAll()) {
      chrome.windows.remove(win.id);
    }
  }
});

// The browser's first page can load before the extension's content scripts are registered
// (it is opened at start-up, as the extension loads), and then it has no strip and no
// "Kết thúc". So each page that finishes loading gets the strip here too; strip.js runs
// once per page whichever way it came. Pages the extension may not touch (the browser's
// own) refuse, which is fine: they have no strip either way.
function addStrip(tabId) {
  chrome.scripting.executeScript({ target: { tabId }, files: ["settings.js", "strip.js"] })
    .catch(() => {});
}

chrome.tabs.onUpdated.addListener((tabId, change) => {
  if (change.status === "complete") addStrip(tabId);
});

// On a loaded machine the first page finished loading even before this worker started, so
// no event above comes for it (a CI run's browser was never ended by its quiet time): the
// pages already open when the worker starts get the strip too.
chrome.tabs.query({}).then((tabs) => {
  for (const tab of tabs) {
    if (tab.status === "complete") addStrip(tab.id);
  }
});
