// Tally's pages: a little hand-written JavaScript over forms that work without it.
// - Enter moves to the next field, as the paper's order goes; sending is always a deliberate click.
// - What is typed in a protocol is kept in this browser until it is sent.
// - While typing, the server judges the protocol (the rules live only there) and each finding is
//   shown beside its fields; a warning asks for the commission's explanation.
"use strict";

(function () {
  function fields(form) {
    return Array.from(form.querySelectorAll("input:not([type=hidden]), textarea"));
  }

  function enterMovesOn(form) {
    form.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.target.tagName === "TEXTAREA" || event.target.tagName === "BUTTON") {
        return;
      }
      event.preventDefault();
      var all = fields(form);
      var next = all[all.indexOf(event.target) + 1];
      if (next) { next.focus(); next.select && next.select(); }
    });
  }

  function keepLocally(form) {
    var key = "tally:" + form.dataset.store;
    var saved = {};
    try { saved = JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { saved = {}; }
    fields(form).forEach(function (input) {
      if (saved[input.name] !== undefined && !input.value) { input.value = saved[input.name]; }
    });
    form.addEventListener("input", function () {
      var now = {};
      fields(form).forEach(function (input) { if (input.value) { now[input.name] = input.value; } });
      localStorage.setItem(key, JSON.stringify(now));
    });
  }

  function clearSent() {
    var sent = document.querySelector("[data-clear]");
    if (sent && sent.dataset.clear) { localStorage.removeItem("tally:" + sent.dataset.clear); }
  }

  function show(form, report) {
    var rows = form.querySelectorAll("tr[data-field]");
    rows.forEach(function (row) {
      row.classList.remove("has-error", "has-warning");
      var cell = row.querySelector(".finding");
      if (cell) { cell.textContent = ""; }
    });
    var list = document.getElementById("findings");
    var explanations = document.getElementById("explanations");
    list.textContent = "";
    var findings = (report && report.findings) || [];
    var wanted = {};
    findings.forEach(function (finding) {
      var line = document.createElement("p");
      line.className = finding.severity;
      var code = document.createElement("code");
      code.textContent = finding.code;
      line.appendChild(code);
      line.appendChild(document.createTextNode(" " + (document.documentElement.lang === "en" ? finding.message_en : finding.message_pl)));
      list.appendChild(line);
      (finding.fields || []).forEach(function (name) {
        var row = form.querySelector('tr[data-field="' + name + '"]');
        if (row) {
          row.classList.add(finding.severity === "error" ? "has-error" : "has-warning");
          var cell = row.querySelector(".finding");
          if (cell) { cell.appendChild(line.cloneNode(true)); }
        }
      });
      if (finding.severity === "warning") { wanted[finding.code] = finding; }
    });
    Object.keys(wanted).forEach(function (code) {
      var name = "content.explanations." + code;
      if (!form.querySelector('[name="' + name + '"]')) {
        var label = document.createElement("label");
        label.textContent = explanations.dataset.label + " (" + code + ")";
        var area = document.createElement("textarea");
        area.name = name;
        area.required = true;
        label.appendChild(area);
        explanations.appendChild(label);
      }
    });
    var blocked = findings.some(function (f) { return f.severity === "error"; });
    form.querySelector("button.send").disabled = blocked;
  }

  function checkWhileTyping(form) {
    var timer = null;
    var explanations = document.getElementById("explanations");
    explanations.dataset.label = form.dataset.explain || "Wyjaśnienie komisji";
    form.addEventListener("input", function (event) {
      if (event.target.name && event.target.name.indexOf("content.explanations.") === 0) { return; }
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch(form.dataset.check, { method: "POST", body: new FormData(form), credentials: "same-origin" })
          .then(function (answer) { return answer.ok ? answer.json() : null; })
          .then(function (report) { if (report) { show(form, report); } })
          .catch(function () { /* offline: what is typed stays here */ });
      }, 400);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    clearSent();
    document.querySelectorAll("form").forEach(function (form) {
      if (fields(form).length > 1) { enterMovesOn(form); }
    });
    // Print buttons (the CSP allows no inline handlers).
    document.querySelectorAll("button[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    var protocol = document.getElementById("protocol");
    if (protocol) {
      keepLocally(protocol);
      checkWhileTyping(protocol);
    }
  });
})();
