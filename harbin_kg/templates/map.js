/* harbin-kg map behaviour: language switch, search by any name, kind filters, readiness flag.
   Text only ever goes into the page through textContent, values and vis-network's plain-text
   tooltips (innerText); nothing here builds HTML from data. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("hkg-data").textContent);
  var state = { ready: false, readyAt: null, lang: data.lang, selected: null };
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var kindOf = {};
  data.kinds.forEach(function (pair) { kindOf[pair[0]] = pair[1]; });
  var container = document.getElementById("hkg-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);

  function markReady() {
    if (!state.ready) { state.ready = true; state.readyAt = performance.now(); document.body.dataset.ready = "1"; }
  }
  var settled = !data.options.physics.enabled || data.nodes.length === 0;
  network.once("stabilizationIterationsDone", function () {
    settled = true;
    network.setOptions({ physics: { enabled: false } });  // a map that stops moving
    network.redraw();
  });
  network.on("afterDrawing", function () { if (settled) { markReady(); } });
  if (data.nodes.length === 0) { markReady(); }

  // ---- language switch
  function setLang(lang) {
    state.lang = lang === "en" ? "en" : "zh";
    document.body.dataset.lang = state.lang;
    document.documentElement.lang = state.lang;
    var key = state.lang === "en" ? "le" : "lz";
    nodes.update(data.nodes.map(function (n) { return { id: n.id, label: n[key] }; }));
    if (!data.fixed) { edges.update(data.edges.map(function (e) { return { id: e.id, label: e[key] }; })); }
    document.getElementById("hkg-lang").value = state.lang;
  }
  document.getElementById("hkg-lang").addEventListener("change", function (ev) { setLang(ev.target.value); });

  // ---- search by any name: zh, en, aliases (哈职院), IRI, slug
  function norm(s) { return String(s || "").normalize("NFKC").trim().toLowerCase(); }
  var names = [];
  data.nodes.forEach(function (n) {
    var keys = [n.lz, n.le].concat(n.al || []);
    if (n.iri) { keys.push(n.iri, n.iri.split("/").pop()); }
    keys.forEach(function (k) { if (k) { names.push([norm(k), n.id]); } });
  });
  var list = document.getElementById("hkg-names");
  var seen = {};
  data.nodes.concat([]).forEach(function (n) {
    [n.lz, n.le].concat(n.al || []).forEach(function (k) {
      if (k && !seen[k] && data.nodes.length <= 3000) {
        seen[k] = 1; var opt = document.createElement("option"); opt.value = k; list.appendChild(opt);
      }
    });
  });
  function find(query) {
    var q = norm(query);
    if (!q) { return null; }
    var i, best = null;
    for (i = 0; i < names.length; i++) { if (names[i][0] === q) { return names[i][1]; } }
    for (i = 0; i < names.length; i++) { if (names[i][0].indexOf(q) === 0) { best = best || names[i][1]; } }
    if (best) { return best; }
    for (i = 0; i < names.length; i++) { if (names[i][0].indexOf(q) >= 0) { return names[i][1]; } }
    return null;
  }
  function search(query) {
    var status = document.getElementById("hkg-status");
    var id = find(query);
    if (!id) {
      status.textContent = (state.lang === "en" ? "Not found: " : "未找到：") + query;
      state.selected = null;
      return null;
    }
    var node = nodes.get(id);
    if (node.hidden) { setKindVisible(node.k, true); }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    state.selected = id;
    status.textContent = (state.lang === "en" ? "Selected: " : "已选中：") + (state.lang === "en" ? node.le : node.lz);
    return id;
  }
  document.getElementById("hkg-search-form").addEventListener("submit", function (ev) {
    ev.preventDefault(); search(document.getElementById("hkg-search").value);
  });

  // ---- kind filters (our own: pyvis's filter_menu throws)
  function setKindVisible(kind, visible) {
    var boxes = document.querySelectorAll("#hkg-kinds input[data-kind]");
    for (var b = 0; b < boxes.length; b++) {
      if (kindOf[boxes[b].dataset.kind] === kind) { boxes[b].checked = visible; }
    }
    nodes.update(data.nodes.filter(function (n) { return n.k === kind; })
      .map(function (n) { return { id: n.id, hidden: !visible }; }));
  }
  var boxes = document.querySelectorAll("#hkg-kinds input[data-kind]");
  for (var b = 0; b < boxes.length; b++) {
    boxes[b].addEventListener("change", function (ev) {
      setKindVisible(kindOf[ev.target.dataset.kind], ev.target.checked);
    });
  }

  window.hkgMap = { network: network, nodes: nodes, edges: edges, state: state,
                    search: search, setLang: setLang, setKindVisible: setKindVisible };
})();
