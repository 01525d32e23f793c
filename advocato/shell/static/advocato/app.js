// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  // On wide screens the navigation is always shown; on phones it folds into "Menu".
  var menu = document.querySelector("details.menu");
  if (menu) {
    var wide = window.matchMedia("(min-width: 48rem)");
    var sync = function () { menu.open = wide.matches; };
    sync();
    wide.addEventListener("change", sync);
    // The menus by purpose: one open at a time on a desk; Escape or a click elsewhere closes it.
    var groups = menu.querySelectorAll("details.nav-group");
    groups.forEach(function (group) {
      group.addEventListener("toggle", function () {
        if (group.open && wide.matches) {
          groups.forEach(function (other) { if (other !== group) { other.open = false; } });
        }
      });
      group.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && group.open) {
          group.open = false;
          group.querySelector("summary").focus();
        }
      });
    });
    document.addEventListener("click", function (event) {
      if (!wide.matches) { return; }
      groups.forEach(function (group) {
        if (group.open && !group.contains(event.target)) { group.open = false; }
      });
    });
  }
  // "Copy text" buttons copy the textarea they name.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source || !navigator.clipboard) { return; }
      navigator.clipboard.writeText(source.value).then(function () {
        var label = button.textContent;
        button.textContent = "✓";
        setTimeout(function () { button.textContent = label; }, 1500);
      });
    });
  });
  // "Copy text with your link" on an item: the server puts the advocate's own tracked link
  // into the text, which goes to the clipboard. Without JavaScript the form opens the share's
  // page with the text ready to copy.
  document.querySelectorAll("form[data-copy-form]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!navigator.clipboard || !window.fetch) { return; }
      event.preventDefault();
      var button = form.querySelector("button");
      var text = fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      }).then(function (data) { return data.text; });
      var copied = window.ClipboardItem
        ? navigator.clipboard.write([new ClipboardItem({ "text/plain": text.then(function (t) {
            return new Blob([t], { type: "text/plain" }); }) })])
        : text.then(function (t) { return navigator.clipboard.writeText(t); });
      copied.then(function () {
        var label = button.textContent;
        button.textContent = "✓";
        setTimeout(function () { button.textContent = label; }, 1500);
      }, function () { form.submit(); });
    });
  });
  // Fields with a length limit count as one types: "120 / 300".
  document.querySelectorAll("[data-count][maxlength]").forEach(function (field) {
    var counter = document.createElement("span");
    counter.className = "counter muted small";
    field.insertAdjacentElement("afterend", counter);
    var max = parseInt(field.getAttribute("maxlength"), 10);
    var show = function () {
      counter.textContent = field.value.length + " / " + max;
      counter.classList.toggle("over", field.value.length >= max);
    };
    field.addEventListener("input", show);
    show();
  });
  // The language switch submits itself when a language is picked.
  var select = document.getElementById("language-select");
  if (select && select.form) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
  // The installable app (advocato/shell/app.py): the service worker keeps the feed for
  // reading offline. Signing out asks it to forget the pages it kept.
  var script = document.querySelector("script[data-worker]");
  if (script && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(script.getAttribute("data-worker"), { scope: "/" })
      .catch(function () { /* the pages work without it */ });
    document.querySelectorAll("form[action$='/logout/']").forEach(function (form) {
      form.addEventListener("submit", function () {
        if (navigator.serviceWorker.controller) { navigator.serviceWorker.controller.postMessage("forget"); }
      });
    });
  }
  // Offline: reading works, sending does not — say so, and hold the buttons that send.
  var notice = document.getElementById("offline-notice");
  var sync = function () {
    var offline = navigator.onLine === false;
    if (notice) { notice.hidden = !offline; }
    document.querySelectorAll("main form[method=post] button[type=submit], main form[method=post] button:not([type])")
      .forEach(function (button) { button.disabled = offline; });
  };
  window.addEventListener("online", sync);
  window.addEventListener("offline", sync);
  sync();
  // "Install the app": offered where it helps (the feed, the profile) once the browser says it
  // can, and only from a person's third visit on — never on a first page.
  var visits = 0;
  try {
    visits = parseInt(localStorage.getItem("advocato-visits") || "0", 10) + 1;
    localStorage.setItem("advocato-visits", String(visits));
  } catch (error) { /* private mode: no offer */ }
  window.addEventListener("beforeinstallprompt", function (event) {
    var offer = document.querySelector("[data-install]");
    if (!offer || visits < 3) { return; }
    event.preventDefault();
    offer.hidden = false;
    offer.querySelector("button").addEventListener("click", function () {
      offer.hidden = true;
      event.prompt();
    }, { once: true });
  });
})();
