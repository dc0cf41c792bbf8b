// The kiosk's strip at the top of every portal page ("Kết thúc" ends the session) and the
// idle time-out: after a quiet time, "Do you need more time?" with a countdown, then the
// end. The last touch is kept in the extension's storage, shared by all tabs, so a tab in
// the background does not end a session someone is using in another one. The settings
// (seconds, words in the kiosk's language) come from settings.js, written by the kiosk
// for each session.
(() => {
  // the background adds this script to pages that finished loading without it (see
  // background.js): once on a page is enough
  if (globalThis.KIOSK_STRIP_RUNNING) return;
  globalThis.KIOSK_STRIP_RUNNING = true;
  const settings = globalThis.KIOSK_SETTINGS;
  const STRIP_ID = "kiosk-strip";
  let lastSeen = Date.now();
  let warning = null;

  const end = () => chrome.runtime.sendMessage({ end: true });

  const touched = () => {
    lastSeen = Date.now();
    chrome.storage.local.set({ lastTouch: lastSeen });
    if (warning) {
      warning.remove();
      warning = null;
    }
  };

  const button = (text, id, onPress, colour = "#b71c1c") => {
    const b = document.createElement("button");
    b.id = id;
    b.textContent = text;
    b.style.cssText = "font: bold 24px sans-serif; min-height: 64px; min-width: 200px;" +
      "margin: 0 8px; padding: 0 24px; border: 0; border-radius: 8px; cursor: pointer;" +
      "background: " + colour + "; color: #fff;";
    b.addEventListener("click", (event) => { event.stopPropagation(); onPress(); });
    return b;
  };

  const addStrip = () => {
    if (document.getElementById(STRIP_ID) || !document.body) return;
    const host = document.createElement("div");
    host.id = STRIP_ID;
    host.style.cssText = "position: fixed; top: 0; left: 0; right: 0; z-index: 2147483647;" +
      "display: flex; align-items: center; justify-content: space-between;" +
      "height: 80px; padding: 0 16px; background: #0d47a1; color: #fff;" +
      "font: 22px sans-serif; box-shadow: 0 2px 6px rgba(0,0,0,.4);";
    const note = document.createElement("span");
    note.textContent = settings.texts.note;
    host.appendChild(note);
    host.appendChild(button(settings.texts.end, "kiosk-end", end));
    document.body.appendChild(host);
    document.body.style.marginTop = "88px";
  };

  const warn = (secondsLeft) => {
    if (!warning) {
      warning = document.createElement("div");
      warning.id = "kiosk-idle";
      warning.style.cssText = "position: fixed; inset: 0; z-index: 2147483647;" +
        "display: flex; flex-direction: column; align-items: center; justify-content: center;" +
        "background: rgba(0,0,0,.75); color: #fff; font: bold 32px sans-serif;" +
        "text-align: center;";
      const line = document.createElement("p");
      line.id = "kiosk-idle-text";
      warning.appendChild(line);
      const row = document.createElement("div");
      row.appendChild(button(settings.texts.more, "kiosk-more", touched, "#1565c0"));
      row.appendChild(button(settings.texts.end, "kiosk-idle-end", end));
      warning.appendChild(row);
      document.documentElement.appendChild(warning);
    }
    warning.querySelector("#kiosk-idle-text").textContent =
      settings.texts.warning.replace("{n}", String(secondsLeft));
  };

  const check = async () => {
    const stored = await chrome.storage.local.get("lastTouch");
    const last = Math.max(lastSeen, stored.lastTouch || 0);
    const quiet = (Date.now() - last) / 1000;
    const left = settings.idleSeconds + settings.countdownSeconds - quiet;
    if (left <= 0) {
      end();
    } else if (quiet >= settings.idleSeconds && document.visibilityState === "visible") {
      warn(Math.ceil(left));
    } else if (warning && quiet < settings.idleSeconds) {
      warning.remove();
      warning = null;
    }
  };

  // a touch on the warning's own buttons is theirs to handle ("end" must not be undone)
  const onActivity = (event) => {
    if (!(warning && warning.contains(event.target))) touched();
  };
  for (const kind of ["pointerdown", "touchstart", "keydown", "wheel"]) {
    addEventListener(kind, onActivity, { capture: true, passive: true });
  }
  chrome.storage.local.set({ lastTouch: lastSeen });
  document.addEventListener("DOMContentLoaded", addStrip);
  addStrip();
  setInterval(check, 1000);
})();
