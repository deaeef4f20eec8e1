// simcheck report: sorting, filtering, and opening submissions and passages.
// Only DOM built by the page itself is moved around: no document text is ever parsed as HTML.
(function () {
  "use strict";
  var overview = document.getElementById("overview");
  var view = document.getElementById("view");
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  function cellValue(row, column, numeric) {
    var cell = row.cells[column];
    var value = cell.hasAttribute("data-v") ? cell.getAttribute("data-v") : cell.textContent.trim();
    return numeric ? parseFloat(value) || 0 : value;
  }

  function sortTable(table, header, column) {
    var button = header.querySelector("button");
    var numeric = button.getAttribute("data-type") === "num";
    // The first click on a numeric column puts the largest first: that is what a teacher looks for.
    var current = header.getAttribute("aria-sort");
    var ascending = current === "none" ? !numeric : current === "descending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.setAttribute("aria-sort", "none");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var keyed = Array.prototype.map.call(body.rows, function (row, index) {
      return { row: row, value: cellValue(row, column, numeric), index: index };
    });
    keyed.sort(function (a, b) {
      var order = numeric ? a.value - b.value : collator.compare(a.value, b.value);
      return (ascending ? order : -order) || a.index - b.index;
    });
    var fragment = document.createDocumentFragment();
    keyed.forEach(function (item) { fragment.appendChild(item.row); });
    body.appendChild(fragment);
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
      var button = header.querySelector("button");
      if (button) {
        button.addEventListener("click", function () { sortTable(table, header, column); });
      }
    });
  });

  var filter = document.getElementById("filter");
  var status = document.getElementById("status");
  var shown = document.getElementById("shown");
  function applyFilter() {
    var table = document.getElementById("submissions");
    var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    var wanted = status.value;
    var count = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var text = row.textContent.toLowerCase();
      var visible = (!wanted || row.getAttribute("data-status") === wanted) &&
        words.every(function (word) { return text.indexOf(word) !== -1; });
      row.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = count + " of " + table.tBodies[0].rows.length + " shown";
  }
  if (filter && status) {
    filter.addEventListener("input", applyFilter);
    status.addEventListener("change", applyFilter);
  }

  function scrollWithin(box, target) {
    if (box && target) {
      box.scrollTop = Math.max(0, target.offsetTop - box.offsetTop - box.clientHeight / 3);
    }
  }

  function selectPassage(article, number, scrollEssay) {
    var panels = article.querySelectorAll(".passage");
    var panel = null;
    Array.prototype.forEach.call(panels, function (section) {
      var match = section.getAttribute("data-p") === String(number);
      section.hidden = !match;
      if (match) { panel = section; }
    });
    if (!panel) { return; }
    var hint = article.querySelector(".hint");
    if (hint) { hint.hidden = true; }
    var first = null;
    Array.prototype.forEach.call(article.querySelectorAll(".essay mark.hl"), function (mark) {
      var match = mark.getAttribute("data-p") === String(number);
      mark.classList.toggle("sel", match);
      if (match && !first) { first = mark; }
    });
    var source = panel.querySelector(".src .text");
    scrollWithin(source, source && source.querySelector("mark"));
    var compare = article.querySelector(".compare");
    if (compare) { compare.scrollTop = 0; }
    if (scrollEssay) {
      var target = first || article.querySelector('.essay .tag[data-p="' + number + '"]');
      if (target) { target.scrollIntoView({ block: "center" }); }
    }
    var hash = "#s-" + article.getAttribute("data-number") + "-p-" + number;
    if (location.hash !== hash) {
      try { history.replaceState(null, "", hash); } catch (error) { /* some file:// setups refuse */ }
    }
  }

  function route() {
    var found = /^#s-(\d+)(?:-p-(\d+))?$/.exec(location.hash);
    if (overview) {
      if (!found) {
        view.hidden = true;
        overview.hidden = false;
        document.body.classList.remove("viewing");
        return;
      }
      var current = view.querySelector("article");
      if (!current || current.getAttribute("data-number") !== found[1]) {
        var template = document.getElementById("t-s-" + found[1]);
        if (!template) { return; }
        view.replaceChildren(template.content.cloneNode(true));
        window.scrollTo(0, 0);
        if (!found[2]) { view.querySelector("h2").focus(); }
      }
      overview.hidden = true;
      view.hidden = false;
      document.body.classList.add("viewing");
    }
    var article = document.getElementById("s-" + (found ? found[1] : "1"));
    if (article && found && found[2]) { selectPassage(article, found[2], true); }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-p], [data-go]");
    var article = target && target.closest("article.submission");
    if (!article) { return; }
    if (target.hasAttribute("data-go")) {
      var panel = target.closest(".passage");
      var next = parseInt(panel.getAttribute("data-p"), 10) + parseInt(target.getAttribute("data-go"), 10);
      selectPassage(article, next, true);
      var again = article.querySelector('.passage[data-p="' + next + '"] [data-go="' + target.getAttribute("data-go") + '"]');
      if (again && !again.disabled) { again.focus(); }
    } else if (target.closest(".essay")) {
      selectPassage(article, target.getAttribute("data-p"), false);
    }
  });

  // Escape leaves a submission for the class overview.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && overview && !view.hidden) {
      location.hash = "#overview";
    }
  });

  window.addEventListener("hashchange", route);
  route();
})();
