// The timetable editor (/organise/missions/<slug>/timetable): drag a session to another
// time or venue, drag its lower edge to change its length, or move it with the keyboard.
// Times snap to the grid's step (5 minutes). Every move is one POST to the page's move
// address; the server answers with the conflicts it would cause before saving anything,
// and the organiser moves anyway or keeps the session where it was. The last move can be
// undone. Without this script the page works through its links and the move form.
"use strict";
(function () {
  var root = document.getElementById("tt-days");
  if (!root || !root.dataset.moveUrl || !window.fetch || !window.URLSearchParams) return;
  var STEP = Number(root.dataset.step) || 5;
  var statusBox = document.getElementById("tt-status");
  var conflictBox = document.getElementById("tt-conflict");
  var conflictList = document.getElementById("tt-conflict-list");
  var undoRow = document.getElementById("tt-undo-row");
  var texts = root.dataset;
  var waiting = null; // a move the server refused for conflicts: "move anyway" sends it again
  var undo = null; // where the last moved session was before
  var drag = null; // the pointer's move in progress
  var keyed = null; // the keyboard's move in progress
  var ghost = document.createElement("div");
  ghost.className = "tt-ghost";
  ghost.hidden = true;
  ghost.setAttribute("aria-hidden", "true");
  root.classList.add("tt-js");

  // --- wall-clock arithmetic on "YYYY-MM-DDTHH:MM" (UTC dates: no daylight saving here) ---
  function minuteOf(stamp) {
    return Number(stamp.slice(11, 13)) * 60 + Number(stamp.slice(14, 16));
  }
  function stampOf(day, minute) {
    var moment = new Date(day + "T00:00:00Z");
    moment.setUTCMinutes(minute);
    return moment.toISOString().slice(0, 16);
  }
  function clock(minute) {
    return stampOf("2000-01-01", minute).slice(11, 16);
  }
  function snap(minute) {
    return Math.round(minute / STEP) * STEP;
  }

  // --- the grid's geometry ---
  function bodyOf(table) {
    return table.tBodies[0];
  }
  function rowHeight(table) {
    var body = bodyOf(table);
    return body.getBoundingClientRect().height / body.rows.length;
  }
  function firstMinute(table) {
    return Number(table.dataset.firstMinute);
  }
  function lastMinute(table) {
    return firstMinute(table) + bodyOf(table).rows.length * STEP;
  }
  function venueHeads(table) {
    return Array.prototype.slice.call(table.tHead.querySelectorAll("th[data-venue]"));
  }
  function venueOrder(table) {
    var seen = [];
    venueHeads(table).forEach(function (th) {
      if (seen.indexOf(th.dataset.venue) < 0) seen.push(th.dataset.venue);
    });
    return seen;
  }
  function tableAt(x, y) {
    var tables = root.querySelectorAll("table.tt-grid");
    for (var i = 0; i < tables.length; i++) {
      var box = bodyOf(tables[i]).getBoundingClientRect();
      if (y >= box.top && y <= box.bottom && x >= box.left && x <= box.right) return tables[i];
    }
    return null;
  }
  function venueAt(table, x) {
    var heads = venueHeads(table);
    for (var i = 0; i < heads.length; i++) {
      var box = heads[i].getBoundingClientRect();
      if (x >= box.left && x <= box.right) return heads[i].dataset.venue;
    }
    return null;
  }
  function minuteAt(table, y) {
    return firstMinute(table) + ((y - bodyOf(table).getBoundingClientRect().top) / rowHeight(table)) * STEP;
  }

  // --- showing a move before it is made ---
  function place(move) {
    var head = move.table.tHead.querySelector('th[data-venue="' + move.venue + '"]');
    if (!head) return;
    var top = bodyOf(move.table).getBoundingClientRect().top;
    var step = rowHeight(move.table);
    var box = head.getBoundingClientRect();
    // Placed inside the grid's container, so whatever opens above it (the conflict panel,
    // the status line) moves the ghost with the grid. refresh() rewrites that container.
    if (ghost.parentNode !== root) root.appendChild(ghost);
    var origin = root.getBoundingClientRect();
    ghost.style.left = box.left - origin.left + "px";
    ghost.style.width = box.width + "px";
    ghost.style.top = top - origin.top + ((move.start - firstMinute(move.table)) / STEP) * step + "px";
    ghost.style.height = ((move.end - move.start) / STEP) * step + "px";
    ghost.textContent = clock(move.start) + "–" + clock(move.end) + " · " + head.textContent.trim();
    ghost.hidden = false;
  }
  function say(text) {
    statusBox.textContent = text;
  }
  function describe(move) {
    var head = move.table.tHead.querySelector('th[data-venue="' + move.venue + '"]');
    return move.title + ": " + clock(move.start) + "–" + clock(move.end) + " · " + (head ? head.textContent.trim() : "");
  }
  function start(card, table) {
    var starts = card.dataset.starts, ends = card.dataset.ends;
    var start = minuteOf(starts);
    var end = start + Math.round((Date.parse(ends + "Z") - Date.parse(starts + "Z")) / 60000);
    return {
      card: card, table: table, session: card.dataset.session, venue: card.dataset.venue,
      start: start, end: end, title: card.querySelector(".tt-title").textContent,
    };
  }
  function fields(move) {
    var day = move.table.dataset.day;
    return {
      session_id: move.session, starts_at: stampOf(day, move.start), ends_at: stampOf(day, move.end),
      venue_id: move.venue,
    };
  }

  // --- talking to the server ---
  function send(body, anyway, focusAfter) {
    var form = new URLSearchParams();
    Object.keys(body).forEach(function (name) { form.set(name, body[name]); });
    form.set("_csrf_token", root.dataset.csrf);
    if (anyway) form.set("allow_conflicts", "true");
    say(texts.textSaving);
    return fetch(root.dataset.moveUrl, {
      method: "POST", body: form, credentials: "same-origin", headers: { Accept: "application/json" },
    }).then(function (response) {
      return response.json();
    }).then(function (answer) {
      if (answer.status === "moved") {
        hideConflict();
        undo = undo && undo.session_id === body.session_id && undo.undoing ? null : answer.undo;
        undoRow.hidden = !undo;
        // Said once the grid shows the move: what is announced is what is on screen.
        return refresh(focusAfter ? body.session_id : null).then(function () { say(answer.message); });
      }
      if (answer.status === "conflict") {
        waiting = body;
        showConflict(answer);
      } else {
        say(answer.message || texts.textFailed);
      }
    }).catch(function () {
      say(texts.textFailed);
    });
  }
  function showConflict(answer) {
    conflictList.textContent = "";
    answer.conflicts.forEach(function (conflict) {
      var item = document.createElement("li");
      item.className = "conflict";
      var label = document.createElement("strong");
      label.textContent = conflict.label;
      item.appendChild(label);
      item.appendChild(document.createTextNode(": " + conflict.detail + " "));
      conflict.sessions.forEach(function (session) {
        var link = document.createElement("a");
        link.href = session.href;
        link.textContent = session.title;
        item.appendChild(link);
      });
      conflictList.appendChild(item);
    });
    conflictBox.hidden = false;
    say(answer.message);
    conflictBox.focus();
  }
  function hideConflict() {
    conflictBox.hidden = true;
    waiting = null;
    ghost.hidden = true;
  }
  function refresh(focusId) {
    return fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("tt-days");
        if (fresh) root.innerHTML = fresh.innerHTML;
        var conflicts = document.querySelector(".tt-current-conflicts");
        var newConflicts = page.querySelector(".tt-current-conflicts");
        if (conflicts && newConflicts) conflicts.innerHTML = newConflicts.innerHTML;
        ghost.hidden = true;
        if (focusId) {
          var link = root.querySelector('.tt-card[data-session="' + focusId + '"] .tt-title');
          if (link) link.focus();
        }
      });
  }

  // --- dragging ---
  root.addEventListener("dragstart", function (event) {
    if (event.target.closest && event.target.closest(".tt-card")) event.preventDefault();
  });
  root.addEventListener("pointerdown", function (event) {
    var card = event.target.closest(".tt-card");
    if (!card || event.button !== 0) return;
    var table = card.closest("table");
    var move = start(card, table);
    move.mode = event.target.closest(".tt-resize") ? "resize" : "move";
    move.grab = minuteAt(table, event.clientY) - move.start;
    move.length = move.end - move.start;
    move.x = event.clientX;
    move.y = event.clientY;
    move.active = false;
    drag = move;
  });
  document.addEventListener("pointermove", function (event) {
    if (!drag) return;
    if (!drag.active) {
      if (Math.abs(event.clientX - drag.x) + Math.abs(event.clientY - drag.y) < 6) return;
      drag.active = true;
      drag.card.classList.add("tt-dragging");
    }
    event.preventDefault();
    if (drag.mode === "resize") {
      drag.end = Math.max(drag.start + STEP, Math.min(lastMinute(drag.table), snap(minuteAt(drag.table, event.clientY))));
    } else {
      var table = tableAt(event.clientX, event.clientY);
      if (!table) return;
      var venue = venueAt(table, event.clientX);
      if (venue === null) return;
      var first = firstMinute(table), last = lastMinute(table);
      drag.table = table;
      drag.venue = venue;
      drag.start = Math.max(first, Math.min(last - drag.length, snap(minuteAt(table, event.clientY) - drag.grab)));
      drag.end = drag.start + drag.length;
    }
    place(drag);
  });
  document.addEventListener("pointerup", function () {
    if (!drag) return;
    var move = drag;
    drag = null;
    move.card.classList.remove("tt-dragging");
    if (!move.active) return;
    // The click that ends a drag must not follow the session's link.
    root.addEventListener("click", function swallow(event) {
      event.preventDefault();
      root.removeEventListener("click", swallow, true);
    }, true);
    send(fields(move), false, false);
  });

  // --- the keyboard: arrows move, Shift+arrows change the end, Enter saves, Escape cancels ---
  root.addEventListener("keydown", function (event) {
    var card = event.target.closest(".tt-card");
    if (!card || !event.target.classList.contains("tt-title")) return;
    var key = event.key;
    if (key === "Escape" && keyed) {
      keyed = null;
      ghost.hidden = true;
      say(texts.textCancelled);
      return;
    }
    if (key === "Enter" && keyed) {
      event.preventDefault();
      var move = keyed;
      keyed = null;
      send(fields(move), false, true);
      return;
    }
    if (["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"].indexOf(key) < 0) return;
    event.preventDefault();
    if (!keyed || keyed.card !== card) keyed = start(card, card.closest("table"));
    var delta = key === "ArrowUp" ? -STEP : key === "ArrowDown" ? STEP : 0;
    if (event.shiftKey && delta) {
      keyed.end = Math.max(keyed.start + STEP, Math.min(lastMinute(keyed.table), keyed.end + delta));
    } else if (delta) {
      var length = keyed.end - keyed.start;
      keyed.start = Math.max(firstMinute(keyed.table), Math.min(lastMinute(keyed.table) - length, keyed.start + delta));
      keyed.end = keyed.start + length;
    } else {
      var order = venueOrder(keyed.table);
      var next = order.indexOf(keyed.venue) + (key === "ArrowLeft" ? -1 : 1);
      if (next >= 0 && next < order.length) keyed.venue = order[next];
    }
    place(keyed);
    say(describe(keyed) + ". " + texts.textConfirm);
  });
  root.addEventListener("focusout", function (event) {
    if (keyed && event.target.closest(".tt-card") === keyed.card) {
      keyed = null;
      ghost.hidden = true;
    }
  });

  // --- the conflict panel's and the undo's buttons ---
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-tt]");
    if (!button) return;
    var what = button.dataset.tt;
    if (what === "anyway" && waiting) {
      send(waiting, true, false);
    } else if (what === "dismiss") {
      hideConflict();
      say(texts.textCancelled);
    } else if (what === "undo" && undo) {
      undo.undoing = true;
      send(undo, true, false);
    }
  });
})();
