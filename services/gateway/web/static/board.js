// The coordinator's board: filters over the rows, and the live feed (Server-Sent Events) that
// replaces rows and counts as they change. The server renders every part; this only swaps them.
"use strict";

(function () {
  var board = document.getElementById("board");
  if (!board) { return; }
  var groupsBox = document.getElementById("groups");
  var summaryBox = document.getElementById("summary");
  var live = document.getElementById("live");
  var noneMatch = document.getElementById("none-match");
  var form = document.getElementById("filters");
  var ATTENTION = ["rejected", "late", "awaiting_approval", "corrected", "warnings"];
  var position = board.dataset.position;
  var asOf = board.dataset.asOf;

  function value(id) { return document.getElementById(id).value; }

  function matches(row, state, contest, district, query) {
    var states = row.dataset.states.split(" ");
    if (state === "attention") {
      if (!states.some(function (s) { return ATTENTION.indexOf(s) >= 0 || s === "t-late"; })) { return false; }
    } else if (state && states.indexOf(state) < 0) { return false; }
    if (contest && row.dataset.contests.split(" ").indexOf(contest) < 0) { return false; }
    if (district && row.dataset.districts.split(" ").indexOf(district) < 0) { return false; }
    if (query) {
      var q = query.trim().toLowerCase();
      if (/^\d+$/.test(q)) { return row.dataset.number === q; }
      return row.dataset.address.indexOf(q) >= 0;
    }
    return true;
  }

  function filter() {
    var state = value("f-state"), contest = value("f-contest"), district = value("f-district");
    var query = value("f-q");
    var filtering = state || contest || district || query;
    var shown = 0;
    groupsBox.querySelectorAll("details.group").forEach(function (group) {
      var inGroup = 0;
      group.querySelectorAll("tbody tr").forEach(function (row) {
        var ok = matches(row, state, contest, district, query);
        row.hidden = !ok;
        if (ok) { inGroup += 1; }
      });
      group.hidden = inGroup === 0;
      if (filtering && inGroup > 0) { group.open = true; }
      shown += inGroup;
    });
    noneMatch.hidden = shown > 0;
    var params = new URLSearchParams(window.location.search);
    [["state", state], ["contest", contest], ["district", district], ["q", query]].forEach(function (pair) {
      if (pair[1]) { params.set(pair[0], pair[1]); } else { params.delete(pair[0]); }
    });
    var search = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
  }

  form.addEventListener("input", filter);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  filter();

  function fromHtml(html) {
    var holder = document.createElement("tbody");
    holder.innerHTML = html.trim();
    return holder.firstElementChild;
  }

  function apply(update) {
    if (update.groups !== undefined) {
      groupsBox.innerHTML = update.groups;
    }
    Object.keys(update.rows || {}).forEach(function (number) {
      var old = document.getElementById("p-" + number);
      var row = fromHtml(update.rows[number]);
      if (old && row) {
        old.replaceWith(row);
        row.classList.add("fresh");
      }
    });
    summaryBox.innerHTML = update.summary;
    position = String(update.position);
    asOf = update.as_of;
    board.dataset.position = position;
    live.textContent = board.dataset.live + " · " + asOf;
    live.classList.remove("lost");
    recount();
    filter();
  }

  // How late a missing report is grows with the clock: counted here from its due time (the
  // server's clock, as of the page, moved on by this browser's), so no row is resent for it.
  var skew = Date.parse(board.dataset.clock) - Date.now();
  function duration(seconds) {
    var minutes = Math.floor(Math.max(seconds, 0) / 60), hours = Math.floor(minutes / 60);
    if (hours >= 48) { return Math.floor(hours / 24) + " d " + (hours % 24) + " h"; }
    var mm = minutes % 60;
    return hours ? hours + " h " + (mm < 10 ? "0" : "") + mm + " min" : minutes + " min";
  }
  function recount() {
    var now = Date.now() + skew;
    document.querySelectorAll("[data-late-since]").forEach(function (element) {
      var seconds = (now - Date.parse(element.dataset.lateSince)) / 1000;
      element.textContent = board.dataset.lateBy.replace("{duration}", duration(seconds));
    });
  }
  window.setInterval(recount, 30000);

  if (!window.EventSource) { return; }
  // The server sends a heartbeat every few seconds; silence for two and a half of them means the
  // connection died without saying so (a dropped network): say so, and connect again from the
  // position shown.
  var silence = 2500 * Number(board.dataset.heartbeat || 10);
  var heard = Date.now();
  var feed = null;

  function lost() {
    live.textContent = board.dataset.lost.replace("{time}", asOf).replace("{position}", position);
    live.classList.add("lost");
  }

  function connect() {
    var url = board.dataset.feed.replace(/since=\d+/, "since=" + position);
    feed = new EventSource(url);
    feed.addEventListener("update", function (event) { heard = Date.now(); apply(JSON.parse(event.data)); });
    feed.addEventListener("heartbeat", function () {
      heard = Date.now();
      if (live.classList.contains("lost")) {
        live.textContent = board.dataset.live + " · " + asOf;
        live.classList.remove("lost");
      }
    });
    feed.addEventListener("open", function () {
      heard = Date.now();
      live.textContent = board.dataset.live + " · " + asOf;
      live.classList.remove("lost");
    });
    feed.addEventListener("error", lost);
  }

  window.setInterval(function () {
    if (Date.now() - heard > silence) {
      lost();
      feed.close();
      heard = Date.now();
      connect();
    }
  }, 1000);
  connect();
})();
