/* The selection round's ordered ranking (matching/rounds/detail.html).
 *
 * Without JavaScript each move button submits the form (the server applies the move and saves).
 * With it, the buttons move the item in place (focus stays on the same button), the order is kept
 * in the hidden "order" inputs of the ranked list, and items can also be dragged (HTML5 drag and
 * drop) as an enhancement. Nothing is saved until "Save my ranking". */
(function () {
  "use strict";

  function setup(form) {
    var ranked = form.querySelector("[data-ranked]");
    var unranked = form.querySelector("[data-unranked]");
    var status = form.querySelector("#ranking-status");
    var empty = form.querySelector("#ranked-empty");
    if (!ranked || !unranked) return;

    function say(text) { if (status) status.textContent = text; }

    function refresh() {
      ranked.querySelectorAll(".rank-item").forEach(function (li) { mark(li, true); });
      unranked.querySelectorAll(".rank-item").forEach(function (li) { mark(li, false); });
      if (empty) empty.hidden = ranked.querySelector(".rank-item") !== null;
    }

    function mark(li, isRanked) {
      li.querySelector("input[name=order]").disabled = !isRanked;
      li.querySelectorAll("[data-move]").forEach(function (b) {
        var m = b.getAttribute("data-move");
        b.hidden = isRanked ? m === "add" : m !== "add";
      });
    }

    function position(li) {
      return Array.prototype.indexOf.call(ranked.querySelectorAll(".rank-item"), li) + 1;
    }

    function announce(li) {
      var name = li.getAttribute("data-name");
      var total = ranked.querySelectorAll(".rank-item").length;
      if (li.parentNode === ranked) {
        say(form.getAttribute("data-said-position")
          ? form.getAttribute("data-said-position").replace("%(name)s", name).replace("%(n)s", position(li))
            .replace("%(total)s", total)
          : name + ": " + position(li) + " / " + total);
      } else {
        say(form.getAttribute("data-said-out") ? form.getAttribute("data-said-out").replace("%(name)s", name) : name);
      }
    }

    function move(li, how) {
      if (how === "up" && li.previousElementSibling) li.parentNode.insertBefore(li, li.previousElementSibling);
      else if (how === "down" && li.nextElementSibling) li.parentNode.insertBefore(li.nextElementSibling, li);
      else if (how === "add") ranked.appendChild(li);
      else if (how === "remove") unranked.appendChild(li);
      refresh();
      announce(li);
    }

    form.addEventListener("click", function (ev) {
      var b = ev.target.closest("[data-move]");
      if (!b || !form.contains(b)) return;
      ev.preventDefault();
      var li = b.closest(".rank-item");
      var how = b.getAttribute("data-move");
      move(li, how);
      // keep the keyboard where it was: the same button, or its counterpart after add / leave out
      var next = how === "add" ? li.querySelector("[data-move=up]") : how === "remove"
        ? li.querySelector("[data-move=add]") : b;
      if (next) next.focus();
    });

    // Alt+Arrow keys on a focused item's button move it too
    form.addEventListener("keydown", function (ev) {
      if (!ev.altKey || (ev.key !== "ArrowUp" && ev.key !== "ArrowDown")) return;
      var li = ev.target.closest && ev.target.closest(".rank-item");
      if (!li || li.parentNode !== ranked) return;
      ev.preventDefault();
      move(li, ev.key === "ArrowUp" ? "up" : "down");
      ev.target.focus();
    });

    // drag and drop, an enhancement over the buttons
    var dragged = null;
    form.addEventListener("dragstart", function (ev) {
      var li = ev.target.closest && ev.target.closest(".rank-item");
      if (!li) return;
      dragged = li;
      li.classList.add("dragging");
      ev.dataTransfer.effectAllowed = "move";
      ev.dataTransfer.setData("text/plain", li.getAttribute("data-id"));
    });
    form.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("dragging");
      form.querySelectorAll(".drop-target").forEach(function (el) { el.classList.remove("drop-target"); });
      dragged = null;
    });
    [ranked, unranked].forEach(function (list) {
      list.addEventListener("dragover", function (ev) {
        if (!dragged) return;
        ev.preventDefault();
        var over = ev.target.closest(".rank-item");
        form.querySelectorAll(".drop-target").forEach(function (el) { el.classList.remove("drop-target"); });
        if (over && over !== dragged) over.classList.add("drop-target");
      });
      list.addEventListener("drop", function (ev) {
        if (!dragged) return;
        ev.preventDefault();
        var over = ev.target.closest(".rank-item");
        if (over && over !== dragged && over.parentNode === list) {
          var box = over.getBoundingClientRect();
          list.insertBefore(dragged, ev.clientY > box.top + box.height / 2 ? over.nextSibling : over);
        } else if (!over) {
          list.appendChild(dragged);
        }
        refresh();
        announce(dragged);
      });
    });

    refresh();
  }

  function init() {
    document.querySelectorAll("form[data-ranking]").forEach(setup);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
