// The people picker (people/picker.py): a search box in place of a long <select>. Progressive
// enhancement only: without this file the select, grouped by department, does the job.
// It asks the server (JSON, the same rule as the select) for people by name, e-mail address or
// department, shows each with department and address so namesakes are told apart, and sets the
// select's value on a choice, so the form posts what it always posted.
(function () {
  "use strict";
  var counter = 0;

  function enhance(select) {
    var id = "picker-" + (++counter);
    var scope = select.getAttribute("data-person-picker");
    var url = select.getAttribute("data-search-url");
    var box = document.createElement("div");
    box.className = "picker";
    var input = document.createElement("input");
    input.type = "search";
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id + "-list");
    input.placeholder = select.getAttribute("data-placeholder") || "";
    if (select.labels && select.labels.length) {
      // The select's label now names the search box; the select stays in the form, hidden.
      var labelId = id + "-label";
      select.labels[0].id = select.labels[0].id || labelId;
      input.setAttribute("aria-labelledby", select.labels[0].id);
    }
    var list = document.createElement("ul");
    list.id = id + "-list";
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "muted small";
    status.setAttribute("aria-live", "polite");
    box.appendChild(input);
    box.appendChild(list);
    box.appendChild(status);
    select.parentNode.insertBefore(box, select.nextSibling);
    if (select.required) { select.required = false; input.required = true; }
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    var chosen = select.options[select.selectedIndex];
    if (chosen && chosen.value) { input.value = chosen.text; }

    var results = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function mark(index) {
      var items = list.querySelectorAll("li");
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      }
    }

    function choose(index) {
      var person = results[index];
      if (!person) { return; }
      select.value = String(person.id);
      input.value = person.name;
      status.textContent = [person.name, person.department, person.email].filter(Boolean).join(" · ");
      select.dispatchEvent(new Event("change", { bubbles: true }));
      close();
    }

    function show(found) {
      results = found;
      list.textContent = "";
      found.forEach(function (person, i) {
        var li = document.createElement("li");
        li.id = id + "-" + person.id;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var name = document.createElement("strong");
        name.textContent = person.name;
        var more = document.createElement("span");
        more.className = "muted small";
        more.textContent = " " + [person.department, person.email].filter(Boolean).join(" · ");
        li.appendChild(name);
        li.appendChild(more);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = found.length === 0;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
      status.textContent = found.length ? "" : (select.getAttribute("data-none") || "–");
      mark(found.length ? 0 : -1);
    }

    function ask() {
      var query = input.value.trim();
      if (!query) { close(); return; }
      var mine = ++asked;
      fetch(url + "?scope=" + encodeURIComponent(scope) + "&q=" + encodeURIComponent(query), {
        headers: { "Accept": "application/json" }, credentials: "same-origin"
      }).then(function (response) {
        return response.ok ? response.json() : { results: [] };
      }).then(function (data) {
        if (mine === asked) { show(data.results || []); }
      }).catch(function () { /* the select is still there to fall back on */ });
    }

    input.addEventListener("input", function () {
      select.value = "";
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && results.length) {
        event.preventDefault();
        if (list.hidden) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        mark(Math.min(active + 1, results.length - 1));
      } else if (event.key === "ArrowUp" && results.length) {
        event.preventDefault();
        mark(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  document.querySelectorAll("select[data-person-picker]").forEach(enhance);
})();
