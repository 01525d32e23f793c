// The composer's live checks: asks the server (the same rules as on sharing) while typing,
// and keeps the preview in step. Without JavaScript the checks run when the form is sent.
(function () {
  "use strict";
  var form = document.getElementById("composer");
  if (!form) { return; }
  var text = form.querySelector("textarea[name=text]");
  var list = document.getElementById("checks");
  var preview = document.getElementById("preview-text");
  var network = form.querySelector("input[name=network]").value;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timer = null;

  function render(checks) {
    list.textContent = "";
    checks.forEach(function (check) {
      var item = document.createElement("li");
      item.className = "check-" + check.level;
      item.textContent = check.message;
      list.appendChild(item);
    });
  }
  function run() {
    fetch(form.getAttribute("data-check-url"), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ network: network, text: text.value })
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { render(data.checks); } })
      .catch(function () { /* offline: the server checks again on sending */ });
  }
  text.addEventListener("input", function () {
    if (preview) { preview.textContent = text.value; }
    clearTimeout(timer);
    timer = setTimeout(run, 350);
  });
  run();
})();
