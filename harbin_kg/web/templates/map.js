/* harbin-kg map behaviour: evidence panel, filters (kind, relation, status, source type, year),
   neighbourhoods, groups, shortest paths, exports (PNG, SVG, CSV) and the view in the URL fragment.
   Text only ever goes into the page through textContent, values and vis-network's plain-text
   tooltips (innerText); nothing here builds HTML from data. The only attribute that takes a
   string from the data is a citation link's href, and only once it has parsed as http: or https:. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("hkg-data").textContent);
  var EV = data.ev || [];
  var PAN_PICTURE_MIN = 1000;  // nodes: above this, panning moves a picture of the map
  // Big maps (data.drawn): the page draws the links itself, as a few canvas paths, and gives
  // vis-network only the links someone is looking at (hovered, selected, in the panel, on a path,
  // around an expanded node). vis-network builds a full options object per edge; 10,000 of them
  // were a fifth of the time a 5,000-node map took to open.
  var DRAWN = !!data.drawn;
  var state = {
    ready: false, readyAt: null, lang: data.lang, selected: null, selectedEdge: null,
    statuses: { stated: true, inferred: true }, kindsOff: {}, relsOff: {}, srcOff: {},
    yearOn: false, year: data.years.length ? data.years[data.years.length - 1] : null, yearMode: "cum",
    undated: true, focus: null, depth: data.depth || 1, expanded: {}, unfolded: {}, path: null,
    extra: {}, visibleNodes: 0, visibleEdges: 0
  };
  var T = {
    zh: { notFound: "未找到：", selected: "已选中：", shown: "显示 {n} / {N} 个节点、{e} / {E} 条关系",
          kind: "类型", aliases: "又称", level: "级别", place: "所在地", year: "年份", status: "状态",
          evidence: "出处", links: "关系", source: "来源", position: "位置", chars: "字符",
          outlet: "媒体", original: "原载", title: "标题", issued: "发布日期", readOn: "核对日期",
          locator: "位置", keyPhrase: "关键词", sourceType: "来源类型", reliability: "可靠性",
          url: "网址", copy: "复制", copied: "已复制", selectedText: "已选中，按 Ctrl+C 复制",
          entityPage: "实体页面", noEvidence: "（此项没有单独的出处）", members: "成员", undated: "无日期",
          stated: "明确陈述", "inferred-context": "据上下文推断", "inferred-caption": "据图片说明推断",
          inferred: "推断", pathsTitle: "最短路径", noPath: "两者之间没有路径（在当前筛选下）",
          pathNeeds: "请输入两个名称", group: "分组（双击展开）", quote: "引文", citation: "引用网页",
          note: "说明", placeholder: "占位主体：原文未写明具体是哪个机构；与它相连的参与多为推断（虚线），只看明确陈述时它可能没有关系。", from: "从", to: "到", hidden: "（当前被筛选隐藏）", legend: "图例", linkCopied: "已复制视图链接" },
    en: { notFound: "Not found: ", selected: "Selected: ", shown: "showing {n} / {N} nodes, {e} / {E} links",
          kind: "Kind", aliases: "Also called", level: "Level", place: "Place", year: "Year", status: "Status",
          evidence: "Evidence", links: "Links", source: "Source", position: "Position", chars: "characters",
          outlet: "Outlet", original: "Originally in", title: "Title", issued: "Published", readOn: "Checked on",
          locator: "Locator", keyPhrase: "Key phrase", sourceType: "Source type", reliability: "Reliability",
          url: "URL", copy: "Copy", copied: "Copied", selectedText: "Selected: press Ctrl+C to copy",
          entityPage: "Entity page", noEvidence: "(no evidence of its own)", members: "Members", undated: "undated",
          stated: "stated", "inferred-context": "inferred from context", "inferred-caption": "inferred from a caption",
          inferred: "inferred", pathsTitle: "Shortest paths", noPath: "No path between them (with the current filters)",
          pathNeeds: "Type two names", group: "Group (double-click to expand)", quote: "Quote", citation: "Cited page",
          note: "Note", placeholder: "Placeholder: the source does not name the body; its participations are mostly inferred (dashed), so with stated facts only it may have no links.", from: "from", to: "to", hidden: "(hidden by the filters)", legend: "Legend", linkCopied: "View link copied" }
  };
  function t(key) { return (T[state.lang] || T.zh)[key] || key; }
  function nm(o) { return state.lang === "en" ? (o.le || o.lz) : (o.lz || o.le); }
  function other(o) { return state.lang === "en" ? o.lz : o.le; }

  // ---- the graph: every node and link of the selection, plus one node per foldable group
  var byId = {}, edgeById = {}, adj = {}, baseDeg = {}, groupById = {}, groupOf = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; adj[n.id] = []; baseDeg[n.id] = 0; });
  data.edges.forEach(function (e) {
    edgeById[e.id] = e;
    adj[e.from].push([e.id, e.to]); adj[e.to].push([e.id, e.from]);
    baseDeg[e.from]++; baseDeg[e.to]++;
  });
  var groupNodes = [], groupEdges = [];
  (data.groups || []).forEach(function (g) {
    groupById[g.id] = g;
    g.members.forEach(function (m) { groupOf[m] = g.id; });
    var names = g.members.slice(0, 12).map(function (m) { return byId[m].lz; }).join("、");
    var node = { id: g.id, lz: g.lz, le: g.le, label: data.lang === "en" ? g.le : g.lz, shape: "diamond",
                 color: g.color, value: g.value, title: g.lz + " / " + g.le + "\n" + names + (g.members.length > 12 ? " …" : ""),
                 hidden: true, k: g.k };
    if (g.x !== undefined) { node.x = g.x; node.y = g.y; }
    groupNodes.push(node);
    g.edges.forEach(function (e) {
      var ge = { id: e.id, from: e.from, to: e.to, lz: e.lz, le: e.le, hidden: true, width: 2 };
      groupEdges.push(ge);
    });
  });
  // Node sizes, given once. With a value per node, vis-network rescales every node (and rebuilds
  // its label's fonts) after any change to any item: after each filter, label, hover or pin,
  // 5,000 nodes at a time. The page computes vis-network's own linear scaling of the value
  // (nodes.scaling: size and label size between min and max) and hands over the result.
  var SCALING = data.options.nodes.scaling, vMin = Infinity, vMax = -Infinity;
  data.nodes.concat(groupNodes).forEach(function (n) {
    if (n.value !== undefined) { vMin = Math.min(vMin, n.value); vMax = Math.max(vMax, n.value); }
  });
  function sized(n) {
    if (n.value === undefined) { return n; }
    var k = vMax === vMin ? 0.5 : Math.max(0, (n.value - vMin) / (vMax - vMin)), item = Object.assign({}, n);
    delete item.value;
    item.size = SCALING.min + k * (SCALING.max - SCALING.min);
    item.font = { size: SCALING.label.min + k * (SCALING.label.max - SCALING.label.min) };
    return item;
  }
  var nodes = new vis.DataSet(data.nodes.concat(groupNodes).map(sized));
  var edges = new vis.DataSet(DRAWN ? groupEdges : data.edges.concat(groupEdges));
  var kindOf = {}, relOf = {}, srcOf = {};
  data.kinds.forEach(function (p) { kindOf[p[0]] = p[1]; });
  (data.rels || []).forEach(function (p) { relOf[p[0]] = p[1]; });
  (data.srctypes || []).forEach(function (p) { srcOf[p[0]] = p[1]; });
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

  // ---- labels by importance and zoom. A big map opens with labels on its best-scored nodes
  // only (measuring 5,000 labels would cost a second); once the view is zoomed in far enough
  // for a small label to be drawn, the nodes in view get theirs. Link labels (small maps only)
  // likewise arrive once they would be readable: at the opening zoom vis would measure and skip them.
  var labelled = {}, edgeLabelsOn = false, lastView = null, labelTimer = null;
  var LABEL_ZOOM = data.options.nodes.scaling.label.drawThreshold / data.options.nodes.scaling.label.min;
  var EDGE_LABEL_ZOOM = data.options.edges.scaling.label.drawThreshold / data.options.edges.font.size;
  data.nodes.forEach(function (n) { if (n.label !== undefined) { labelled[n.id] = true; } });
  groupNodes.forEach(function (n) { labelled[n.id] = true; });
  function labelView() {
    labelTimer = null;
    var scale = network.getScale(), key = state.lang === "en" ? "le" : "lz";
    if (data.edgeLabels && !edgeLabelsOn && scale >= EDGE_LABEL_ZOOM * 0.9) {
      edgeLabelsOn = true;
      edges.update(data.edges.concat(groupEdges).map(function (e) { return { id: e.id, label: e[key] }; }));
    }
    if (scale < LABEL_ZOOM * 0.9) { return; }
    var r = container.getBoundingClientRect();
    var a = network.DOMtoCanvas({ x: 0, y: 0 }), b = network.DOMtoCanvas({ x: r.width, y: r.height });
    var pos = network.getPositions(), add = [];
    data.nodes.forEach(function (n) {
      var p = pos[n.id];
      if (!labelled[n.id] && p && p.x >= a.x && p.x <= b.x && p.y >= a.y && p.y <= b.y) {
        labelled[n.id] = true; add.push({ id: n.id, label: n[key] });
      }
    });
    if (add.length) { nodes.update(add); }
  }
  network.on("afterDrawing", function () {
    // after any change of view (zoom, pan, fit, focus on a search), label what came into view
    var scale = network.getScale(), at = network.getViewPosition();
    var view = scale.toFixed(4) + " " + at.x.toFixed(1) + " " + at.y.toFixed(1);
    if (view === lastView || labelTimer !== null || snapshot) { return; }
    lastView = view;
    labelTimer = setTimeout(labelView, 100);
  });

  // ---- tooltips, built on hover from the data (not carried as 15,000 strings in the page);
  // plain text: vis-network shows a string title with innerText.
  function short(text, limit) {
    text = String(text).replace(/\s+/g, " ").trim();
    return text.length <= limit ? text : text.slice(0, limit - 1) + "…";
  }
  function kindNames(k) {
    var li = document.querySelector('#hkg-kinds input[data-kind="' + (data.kinds.filter(function (p) { return p[1] === k; })[0] || [""])[0] + '"]');
    if (!li) { return [k, k]; }
    var row = li.parentNode;
    return [row.querySelector(".zh").textContent, row.querySelector(".en").textContent];
  }
  function quotesOf(evs, limit) {
    var out = [];
    evs.forEach(function (list) {
      (list || []).forEach(function (i) {
        var rec = EV[i];
        if (rec && rec.t === "q" && rec.x && out.indexOf(rec.x) < 0 && out.length < limit) { out.push(rec.x); }
      });
    });
    return out.map(function (q) { return "「" + short(q, 160) + "」"; });
  }
  function stPair(st) { return (T.zh[st] || st) + " / " + (T.en[st] || st); }
  function nodeTip(n) {
    var kn = kindNames(n.k), lines = [kn[0] + " / " + kn[1], n.lz];
    if (n.le !== n.lz) { lines.push(n.le); }
    if (n.al && n.al.length) { lines.push("又称 also: " + n.al.join("、")); }
    if (n.ph) { lines.push("占位主体：原文未写明具体机构 / placeholder: the text names no body"); }
    lines.push("连接 links: " + adj[n.id].length);
    if (n.yr !== undefined) { lines.push("年份 year: " + (n.yr === -1 ? "无日期 undated" : n.yr)); }
    if (n.st) { lines.push("状态 status: " + stPair(n.st)); }
    lines = lines.concat(n.tx || []);
    lines = lines.concat(quotesOf([n.ev].concat(adj[n.id].map(function (p) { return edgeById[p[0]].ev; })), 3));
    if (n.iri) { lines.push(n.iri); }
    return lines.join("\n");
  }
  function edgeTip(e) {
    var lines = e.lz ? [e.lz !== e.le ? e.lz + " / " + e.le : e.lz] : [];
    if (e.st) { lines.push("状态 status: " + stPair(e.st)); }
    if (e.yr !== undefined) { lines.push("年份 year: " + (e.yr === -1 ? "无日期 undated" : e.yr)); }
    return lines.concat(e.tx || [], quotesOf([e.ev], 6)).join("\n");
  }
  network.on("hoverNode", function (p) {
    // the pointer just reached the node; vis-network asks for its title after tooltipDelay
    var body = network.body.nodes[p.node];
    if (body && byId[p.node]) { body.options.title = nodeTip(byId[p.node]); }
  });
  network.on("hoverEdge", function (p) {
    var body = network.body.edges[p.edge];
    if (body && edgeById[p.edge]) { body.title = edgeTip(edgeById[p.edge]); }
  });

  // ---- panning a big map moves a picture of it: vis-network would redraw every node each
  // frame (about 100 ms at 5,000 nodes). The picture is taken when a drag of the view starts;
  // the live drawing comes back when it ends. Dragging a node stays live.
  var snapshot = null;
  if (data.nodes.length > PAN_PICTURE_MIN) {
    var renderOptions = network.renderer.options, hideEdges = renderOptions.hideEdgesOnDrag;
    network.on("dragStart", function (p) {
      if (p.nodes.length) { return; }
      var c = container.querySelector("canvas"), copy = document.createElement("canvas");
      copy.width = c.width; copy.height = c.height;
      copy.getContext("2d").drawImage(c, 0, 0);
      snapshot = { image: copy, at: network.getViewPosition(), ratio: c.width / (c.clientWidth || c.width) };
      renderOptions.hideNodesOnDrag = true; renderOptions.hideEdgesOnDrag = true;
    });
    network.on("beforeDrawing", function (ctx) {
      if (!snapshot) { return; }
      var now = network.getViewPosition(), k = network.getScale() * snapshot.ratio;
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(snapshot.image, Math.round((snapshot.at.x - now.x) * k), Math.round((snapshot.at.y - now.y) * k));
      ctx.restore();
    });
    network.on("dragEnd", function () {
      if (!snapshot) { return; }
      snapshot = null;
      renderOptions.hideNodesOnDrag = false; renderOptions.hideEdgesOnDrag = hideEdges;
      requestRedraw();
    });
  }

  // ---- links drawn by the page (big maps). Every link the filters let through is stroked in
  // beforeDrawing, under the nodes, in one path per (width, dashes) pair, in vis-network's own
  // style (colour, width, dashes, arrows), so a drawn link looks like a vis edge; the links of a
  // selected node are drawn again on top in vis-network's highlight. The links vis-network must
  // hover or select are vis edges ("live"): the one under the resting pointer (vis-network shows
  // its tooltip), the pinned link and the links of a path. The pointer picks the nearest drawn
  // link itself. Adding or removing a vis edge costs vis-network a pass over every node, so the
  // links of a pinned node, which may be hundreds, stay drawn.
  var live = {}, hoverLink = null, batches = null;
  var LINK = data.options.edges, LINK_COLOUR = LINK.color.color, LINK_HIGHLIGHT = LINK.color.highlight;
  var SELECTION_WIDTH = typeof LINK.selectionWidth === "number" ? LINK.selectionWidth : 1;
  var ARROWS = !!(LINK.arrows && LINK.arrows.to && LINK.arrows.to.enabled);
  var ARROW_SCALE = ARROWS ? (LINK.arrows.to.scaleFactor || 1) : 0;
  var HOVER_REST = Math.min(120, data.options.interaction.tooltipDelay / 2);  // ms; before vis looks for a tooltip
  function wantedLinks() {
    var want = {};
    if (hoverLink) { want[hoverLink] = true; }
    if (state.selectedEdge) { want[state.selectedEdge] = true; }
    if (state.path && state.path.paths) {
      state.path.paths.forEach(function (p) { p.edges.forEach(function (id) { want[id] = true; }); });
    }
    return want;
  }
  function syncLive() {
    if (!DRAWN) { return; }
    var want = wantedLinks(), add = [], remove = [], change = [];
    Object.keys(live).forEach(function (id) {
      var hide = !visible.edges[id];
      if (!want[id]) { remove.push(id); delete live[id]; }
      else if (live[id].hidden !== hide) { live[id].hidden = hide; change.push({ id: id, hidden: hide }); }
    });
    Object.keys(want).forEach(function (id) {
      if (live[id] || !edgeById[id]) { return; }
      var item = Object.assign({}, edgeById[id]);
      item.hidden = !visible.edges[id];
      // the tooltip vis-network shows once the pointer rests: written now for the hovered link
      if (id === hoverLink) { item.title = edgeTip(edgeById[id]); }
      live[id] = { hidden: item.hidden };
      add.push(item);
    });
    batches = null;
    if (!remove.length && !change.length && !add.length) { return; }
    // vis-network draws the whole map after each of these calls, at once (with physics off, a
    // change of data "restarts the simulation", which draws): held back, one drawing for the
    // lot comes with the next frame
    var renderer = network.renderer, allowed = renderer.allowRedraw;
    renderer.allowRedraw = false;
    try {
      if (remove.length) { edges.remove(remove); }
      if (change.length) { edges.update(change); }
      if (add.length) { edges.add(add); }
    } finally { renderer.allowRedraw = allowed; }
    requestRedraw();
  }
  function drawnBatches() {
    if (batches) { return batches; }
    var byKey = {};
    batches = [];
    data.edges.forEach(function (e) {
      if (!visible.edges[e.id] || live[e.id]) { return; }
      var key = e.width + " " + (e.dashes || ""), b = byKey[key];
      if (!b) { b = byKey[key] = { width: e.width || 1, dashes: e.dashes || null, links: [] }; batches.push(b); }
      b.links.push(e);
    });
    return batches;
  }
  function drawnLinks() {
    var out = [];
    drawnBatches().forEach(function (b) { b.links.forEach(function (e) { out.push(e.id); }); });
    return out;
  }
  function selectedLinks() {  // the drawn links of the node vis-network has selected
    var sel = network.getSelectedNodes(), out = [];
    if (sel.length !== 1 || !adj[sel[0]]) { return out; }
    adj[sel[0]].forEach(function (p) { if (visible.edges[p[0]] && !live[p[0]]) { out.push(edgeById[p[0]]); } });
    return out;
  }
  function strokeLinks(ctx, links, width, dashes, scale, bodies) {
    width = Math.max(width, 0.3 / scale);  // as vis-network: never thinner than 0.3 px
    ctx.lineWidth = width;
    ctx.setLineDash(dashes || []);
    ctx.lineCap = dashes ? "round" : "butt";  // as vis-network draws dashed edges
    ctx.beginPath();
    links.forEach(function (e) {
      var a = bodies[e.from], c = bodies[e.to];
      if (a && c) { ctx.moveTo(a.x, a.y); ctx.lineTo(c.x, c.y); }
    });
    ctx.stroke();
    // arrowheads of directed maps, once they are big enough to see (vis-network's shape and size)
    var length = ARROW_SCALE * 15 + 3 * width;
    if (!ARROWS || length * scale < 2) { return; }
    ctx.setLineDash([]);
    ctx.beginPath();
    links.forEach(function (e) {
      var a = bodies[e.from], c = bodies[e.to];
      if (!a || !c || a === c) { return; }
      var dx = c.x - a.x, dy = c.y - a.y, d = Math.sqrt(dx * dx + dy * dy) || 1, ux = dx / d, uy = dy / d;
      var tip = (c.options.size || 10) + (c.options.borderWidth || 1);
      var x = c.x - ux * tip, y = c.y - uy * tip;
      ctx.moveTo(x, y);
      ctx.lineTo(x - ux * length - uy * 0.3 * length, y - uy * length + ux * 0.3 * length);
      ctx.lineTo(x - ux * 0.9 * length, y - uy * 0.9 * length);
      ctx.lineTo(x - ux * length + uy * 0.3 * length, y - uy * length - ux * 0.3 * length);
      ctx.closePath();
    });
    ctx.fill();
  }
  if (DRAWN) {
    network.on("beforeDrawing", function (ctx) {
      var r = network.renderer, o = r.options;
      if (snapshot || (r.dragging && o.hideEdgesOnDrag) || (r.zooming && o.hideEdgesOnZoom)) { return; }
      var scale = network.getScale(), bodies = network.body.nodes;
      ctx.save();
      ctx.strokeStyle = LINK_COLOUR; ctx.fillStyle = LINK_COLOUR;
      drawnBatches().forEach(function (b) { strokeLinks(ctx, b.links, b.width, b.dashes, scale, bodies); });
      ctx.strokeStyle = LINK_HIGHLIGHT; ctx.fillStyle = LINK_HIGHLIGHT;
      selectedLinks().forEach(function (e) {  // as vis-network draws a selected edge: darker, wider
        strokeLinks(ctx, [e], (e.width || 1) + SELECTION_WIDTH, e.dashes, scale, bodies);
      });
      ctx.restore();
    });
  }
  // The link nearest a point of the map (DOM pixels in the map's box), if one passes within a
  // few pixels of it: what vis-network's getEdgeAt does for its own edges.
  function linkAt(pointer) {
    if (!DRAWN) { return null; }
    var p = network.DOMtoCanvas(pointer), scale = network.getScale(), bodies = network.body.nodes;
    var best = null, bestD = Infinity;
    data.edges.forEach(function (e) {
      if (!visible.edges[e.id]) { return; }
      var a = bodies[e.from], c = bodies[e.to];
      if (!a || !c) { return; }
      var dx = c.x - a.x, dy = c.y - a.y, len = dx * dx + dy * dy;
      var k = len ? Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len)) : 0;
      var ex = a.x + k * dx - p.x, ey = a.y + k * dy - p.y, d = Math.sqrt(ex * ex + ey * ey) - (e.width || 1) / 2;
      if (d < bestD) { bestD = d; best = e.id; }
    });
    return best !== null && bestD * scale <= 5 ? best : null;
  }
  function setHoverLink(id) {
    if (id === hoverLink) { return; }
    hoverLink = id;
    syncLive();
  }
  if (DRAWN) {
    // The link under the pointer is picked once the pointer rests, as a tooltip is: a new vis
    // edge costs vis-network a drawing of the whole map, too much for every step of a mouse move.
    var hoverTimer = null;
    var stopHover = function () { if (hoverTimer !== null) { clearTimeout(hoverTimer); hoverTimer = null; } };
    container.addEventListener("mousemove", function (ev) {
      stopHover();
      if (ev.buttons || snapshot) { return; }  // a drag pans or moves a node: no link to hover
      var r = container.getBoundingClientRect(), at = { x: ev.clientX - r.left, y: ev.clientY - r.top };
      hoverTimer = setTimeout(function () {
        hoverTimer = null;
        var node = network.getNodeAt(at);
        setHoverLink(node === undefined || node === null ? linkAt(at) : null);
      }, HOVER_REST);
    });
    container.addEventListener("mousedown", stopHover);
    container.addEventListener("mouseleave", function () { stopHover(); setHoverLink(null); });
  }

  function requestRedraw() { network.body.emitter.emit("_requestRedraw"); }

  // ---- small DOM helpers: text only
  function el(tag, cls, text) {
    var x = document.createElement(tag);
    if (cls) { x.className = cls; }
    if (text !== undefined && text !== null) { x.textContent = String(text); }
    return x;
  }
  function $(id) { return document.getElementById(id); }
  function statusName(st) { return st ? t(st) : ""; }
  function isInferred(st) { return !!st && st !== "stated"; }

  // ---- filters
  function srcKey(rec) { return rec.stk || (rec.t === "q" ? "shipped-text" : "unknown"); }
  function srcOk(ev) {
    if (!ev || !ev.length) { return true; }
    for (var i = 0; i < ev.length; i++) { if (!state.srcOff[srcKey(EV[ev[i]])]) { return true; } }
    return false;
  }
  function statusOk(st) { return !st ? true : (st === "stated" ? state.statuses.stated : state.statuses.inferred); }
  function yearOk(yr) {
    if (yr === undefined || yr === null) { return true; }
    if (yr === -1) { return state.undated; }
    if (!state.yearOn || state.year === null) { return true; }
    return state.yearMode === "win" ? yr === state.year : yr <= state.year;
  }
  function neighbourhood(start, depth) {
    var seen = {}, frontier = [start];
    seen[start] = true;
    for (var d = 0; d < depth; d++) {
      var next = [];
      frontier.forEach(function (n) {
        adj[n].forEach(function (p) { if (!seen[p[1]]) { seen[p[1]] = true; next.push(p[1]); } });
      });
      frontier = next;
    }
    return seen;
  }
  function shownSet() {
    if (!state.focus) { return null; }
    var set = neighbourhood(state.focus, state.depth);
    Object.keys(state.expanded).forEach(function (x) {
      set[x] = true;
      adj[x].forEach(function (p) { set[p[1]] = true; });
    });
    Object.keys(state.extra).forEach(function (x) { set[x] = true; });
    return set;
  }
  function edgePasses(e) {
    return !state.relsOff[e.r] && statusOk(e.st) && yearOk(e.yr) && srcOk(e.ev);
  }
  function nodePasses(n) {
    return !state.kindsOff[n.k] && statusOk(n.st) && yearOk(n.yr) && srcOk(n.ev);
  }

  // What vis-network shows now, so apply() only sends what changes (5,000 updates cost a frame).
  var hiddenNow = {};
  data.nodes.forEach(function (n) { hiddenNow[n.id] = false; });
  if (!DRAWN) { data.edges.forEach(function (e) { hiddenNow[e.id] = false; }); }
  groupNodes.forEach(function (n) { hiddenNow[n.id] = true; });
  groupEdges.forEach(function (e) { hiddenNow[e.id] = true; });
  var visible = { nodes: {}, edges: {} };
  function apply() {
    var show = shownSet(), ok = {}, linked = {}, deg = {}, nodeVis = {}, edgeVis = {};
    data.nodes.forEach(function (n) {
      linked[n.id] = statusOk(n.st) && yearOk(n.yr) && srcOk(n.ev) && (!show || !!show[n.id]);
      ok[n.id] = linked[n.id] && !state.kindsOff[n.k];
    });
    data.edges.forEach(function (e) {
      // degree under the link filters only: hiding a kind hides those nodes, not their partners
      if (edgePasses(e) && linked[e.from] && linked[e.to]) { deg[e.from] = (deg[e.from] || 0) + 1; deg[e.to] = (deg[e.to] || 0) + 1; }
      edgeVis[e.id] = edgePasses(e) && ok[e.from] && ok[e.to];
    });
    data.nodes.forEach(function (n) {
      // a node whose every link is filtered out goes too; one that never had a link stays
      nodeVis[n.id] = ok[n.id] && (baseDeg[n.id] === 0 || deg[n.id] > 0 || n.id === state.focus || n.id === state.selected);
    });
    data.edges.forEach(function (e) { edgeVis[e.id] = !!edgeVis[e.id] && nodeVis[e.from] && nodeVis[e.to]; });
    var updates = [], edgeUpdates = [];
    (data.groups || []).forEach(function (g) {
      var folded = !state.unfolded[g.id], any = false;
      g.members.forEach(function (m) { if (nodeVis[m]) { any = true; } });
      if (folded) {
        g.members.forEach(function (m) {
          if (nodeVis[m]) { nodeVis[m] = false; }
          adj[m].forEach(function (p) { edgeVis[p[0]] = false; });
        });
      }
      nodeVis[g.id] = folded && any;
      g.edges.forEach(function (ge) { edgeVis[ge.id] = nodeVis[g.id] && !!nodeVis[ge.from === g.id ? ge.to : ge.from]; });
    });
    var nShown = 0, eShown = 0, kindCount = {}, relCount = {}, stCount = { stated: 0, inferred: 0 };
    Object.keys(nodeVis).forEach(function (id) {
      var hide = !nodeVis[id];
      if (hiddenNow[id] !== hide) { hiddenNow[id] = hide; updates.push({ id: id, hidden: hide }); }
    });
    data.nodes.forEach(function (n) {
      var shownHere = nodeVis[n.id] || (groupOf[n.id] && nodeVis[groupOf[n.id]] && ok[n.id]);
      if (shownHere) { nShown++; kindCount[n.k] = (kindCount[n.k] || 0) + 1; }
    });
    Object.keys(edgeVis).forEach(function (id) {
      if (DRAWN && edgeById[id]) { return; }  // drawn by the page; syncLive() minds the vis edges
      var hide = !edgeVis[id];
      if (hiddenNow[id] !== hide) { hiddenNow[id] = hide; edgeUpdates.push({ id: id, hidden: hide }); }
    });
    data.edges.forEach(function (e) {
      var folded = (groupOf[e.from] && !state.unfolded[groupOf[e.from]]) || (groupOf[e.to] && !state.unfolded[groupOf[e.to]]);
      var counted = edgeVis[e.id] || (folded && edgePasses(e) && ok[e.from] && ok[e.to]);
      if (counted) {
        eShown++; relCount[e.r] = (relCount[e.r] || 0) + 1;
        stCount[isInferred(e.st) ? "inferred" : "stated"]++;
      }
    });
    visible = { nodes: nodeVis, edges: edgeVis };
    if (updates.length) { nodes.update(updates); }
    if (edgeUpdates.length) { edges.update(edgeUpdates); }
    // the drawn links follow the filters in the next frame (one drawing, shared with vis-network's
    // own requests: redraw() would draw the whole map at once, and again when vis asks)
    if (DRAWN) { syncLive(); requestRedraw(); }
    state.visibleNodes = nShown; state.visibleEdges = eShown;
    $("hkg-counts").textContent = t("shown").replace("{n}", nShown).replace("{N}", data.nodes.length)
      .replace("{e}", eShown).replace("{E}", data.edges.length);
    var kinds = document.querySelectorAll("#hkg-kinds [data-count]");
    for (var i = 0; i < kinds.length; i++) {
      var k = kindOf[kinds[i].dataset.count];
      var total = data.nodes.filter(function (n) { return n.k === k; }).length;
      kinds[i].textContent = (kindCount[k] || 0) + "/" + total;
    }
    var rels = document.querySelectorAll("#hkg-rels [data-count]");
    for (var j = 0; j < rels.length; j++) {
      var r = relOf[rels[j].dataset.count];
      rels[j].textContent = String(relCount[r] || 0);
    }
    var sc = document.querySelectorAll("#hkg-statuses [data-count]");
    for (var s = 0; s < sc.length; s++) { sc[s].textContent = String(stCount[sc[s].dataset.count]); }
    writeHash();
  }

  // ---- language
  function sortLegend() {
    ["hkg-kinds", "hkg-rels", "hkg-srctypes"].forEach(function (id) {
      var ul = $(id);
      if (!ul) { return; }
      var items = Array.prototype.slice.call(ul.children);
      var cls = state.lang === "en" ? ".en" : ".zh";
      items.sort(function (a, b) {
        var x = a.querySelector(cls), y = b.querySelector(cls);
        return (x ? x.textContent : "").localeCompare(y ? y.textContent : "", state.lang === "en" ? "en" : "zh-Hans-CN");
      });
      items.forEach(function (li) { ul.appendChild(li); });
    });
  }
  var labelsIn = data.lang;
  function setLang(lang, quiet) {
    state.lang = lang === "en" ? "en" : "zh";
    document.body.dataset.lang = state.lang;
    document.documentElement.lang = state.lang;
    document.title = data.titles[state.lang === "en" ? 1 : 0];
    var key = state.lang === "en" ? "le" : "lz";
    if (labelsIn !== state.lang) {  // relabel only on a real switch: the page opens in data.lang
      labelsIn = state.lang;
      nodes.update(data.nodes.concat(groupNodes).filter(function (n) { return labelled[n.id]; })
        .map(function (n) { return { id: n.id, label: n[key] }; }));
      if (edgeLabelsOn) { edges.update(data.edges.concat(groupEdges).map(function (e) { return { id: e.id, label: e[key] }; })); }
    }
    $("hkg-lang").value = state.lang;
    sortLegend();
    if (!panel.hidden) { renderPanel(); }  // at boot the panel is closed: restore() opens it
    var status = $("hkg-status");
    if (state.selected && byId[state.selected]) { status.textContent = t("selected") + nm(byId[state.selected]); }
    else if (status.dataset.query) { status.textContent = t("notFound") + status.dataset.query; }
    if (!quiet) { apply(); }
  }
  $("hkg-lang").addEventListener("change", function (ev) { setLang(ev.target.value); });

  // ---- search by any name: zh, en, aliases (哈职院), IRI, slug
  function norm(s) { return String(s || "").normalize("NFKC").trim().toLowerCase(); }
  var names = [];
  data.nodes.forEach(function (n) {
    var keys = [n.lz, n.le].concat(n.al || []);
    if (n.iri) { keys.push(n.iri, n.iri.split("/").pop()); }
    keys.forEach(function (k) { if (k) { names.push([norm(k), n.id]); } });
  });
  var list = $("hkg-names"), seen = {};
  data.nodes.forEach(function (n) {
    [n.lz, n.le].concat(n.al || []).forEach(function (k) {
      if (k && !seen[k] && data.nodes.length <= 3000) {
        // text, not a value attribute: a name such as "javascript:…" never becomes an attribute
        seen[k] = 1; var opt = document.createElement("option"); opt.textContent = k; list.appendChild(opt);
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
  function reveal(id) {
    var n = byId[id];
    if (!n) { return; }
    if (state.kindsOff[n.k]) { setKindVisible(n.k, true, true); }
    if (groupOf[id]) { state.unfolded[groupOf[id]] = true; }
    if (state.focus) { state.extra[id] = true; }
  }
  function search(query) {
    var status = $("hkg-status");
    var id = find(query);
    if (!id) {
      status.dataset.query = query;
      status.textContent = t("notFound") + query;
      return null;
    }
    delete status.dataset.query;
    reveal(id);
    pin(id);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    return id;
  }
  $("hkg-search-form").addEventListener("submit", function (ev) { ev.preventDefault(); search($("hkg-search").value); });

  // ---- kind / relation / status / source-type filters (ours: pyvis's filter_menu throws)
  function setKindVisible(kind, on, quiet) {
    var boxes = document.querySelectorAll("#hkg-kinds input[data-kind]");
    for (var b = 0; b < boxes.length; b++) { if (kindOf[boxes[b].dataset.kind] === kind) { boxes[b].checked = on; } }
    if (on) { delete state.kindsOff[kind]; } else { state.kindsOff[kind] = true; }
    if (!quiet) { apply(); }
  }
  function wire(selector, attr, lookup, bag) {
    var boxes = document.querySelectorAll(selector);
    for (var b = 0; b < boxes.length; b++) {
      boxes[b].addEventListener("change", function (ev) {
        var key = lookup[ev.target.dataset[attr]];
        if (ev.target.checked) { delete state[bag][key]; } else { state[bag][key] = true; }
        apply();
      });
    }
  }
  wire("#hkg-kinds input[data-kind]", "kind", kindOf, "kindsOff");
  wire("#hkg-rels input[data-rel]", "rel", relOf, "relsOff");
  wire("#hkg-srctypes input[data-srctype]", "srctype", srcOf, "srcOff");
  function setStatus(which, on) {
    state.statuses[which] = on;
    var box = document.querySelector('#hkg-statuses input[data-status="' + which + '"]');
    if (box) { box.checked = on; }
    apply();
  }
  var stBoxes = document.querySelectorAll("#hkg-statuses input[data-status]");
  for (var sb = 0; sb < stBoxes.length; sb++) {
    stBoxes[sb].addEventListener("change", function (ev) { setStatus(ev.target.dataset.status, ev.target.checked); });
  }

  // ---- time
  function setYear(year, mode, on) {
    if (year !== undefined && year !== null) { state.year = Number(year); }
    if (mode) { state.yearMode = mode === "win" ? "win" : "cum"; }
    if (on !== undefined) { state.yearOn = !!on; }
    if ($("hkg-year")) {
      $("hkg-year").value = state.year; $("hkg-year-value").textContent = String(state.year);
      $("hkg-year-on").checked = state.yearOn;
      var radios = document.querySelectorAll('input[name="hkg-year-mode"]');
      for (var i = 0; i < radios.length; i++) { radios[i].checked = radios[i].value === state.yearMode; }
    }
    apply();
  }
  var playing = null;
  if ($("hkg-year")) {
    $("hkg-year").addEventListener("input", function (ev) { setYear(ev.target.value, null, true); });
    $("hkg-year-on").addEventListener("change", function (ev) { setYear(null, null, ev.target.checked); });
    var radios = document.querySelectorAll('input[name="hkg-year-mode"]');
    for (var ri = 0; ri < radios.length; ri++) {
      radios[ri].addEventListener("change", function (ev) { setYear(null, ev.target.value, true); });
    }
    $("hkg-play").addEventListener("click", function () {
      if (playing) { clearInterval(playing); playing = null; $("hkg-play").textContent = "▶"; return; }
      var ys = data.years, i = 0;
      $("hkg-play").textContent = "■";
      setYear(ys[0], null, true);
      playing = setInterval(function () {
        i++;
        if (i >= ys.length) { clearInterval(playing); playing = null; $("hkg-play").textContent = "▶"; return; }
        setYear(ys[i], null, true);
      }, 900);
    });
  }
  $("hkg-undated").addEventListener("change", function (ev) { state.undated = ev.target.checked; apply(); });

  // ---- neighbourhoods and groups
  function setFocus(id, depth) {
    state.focus = id && byId[id] ? id : null;
    if (depth) { state.depth = Math.max(1, Math.min(3, Number(depth))); $("hkg-depth").value = String(state.depth); }
    state.expanded = {}; state.extra = {};
    highlightFocus();
    apply();
    fitVisible();
  }
  var focusStyled = null;
  function highlightFocus() {
    if (focusStyled && byId[focusStyled]) {
      var o = byId[focusStyled];
      nodes.update({ id: o.id, borderWidth: o.borderWidth || 1, color: o.color });
    }
    focusStyled = state.focus;
    if (state.focus) {
      var n = byId[state.focus], bg = typeof n.color === "string" ? n.color : n.color.background;
      nodes.update({ id: n.id, borderWidth: 5, color: { background: bg, border: "#111111" } });
    }
  }
  function fitVisible() {
    var ids = Object.keys(visible.nodes).filter(function (id) { return visible.nodes[id]; });
    if (ids.length) { network.fit({ nodes: ids, animation: false }); }
  }
  function toggleExpand(id) {
    if (groupById[id]) { state.unfolded[id] = true; apply(); return; }
    if (groupOf[id] && state.unfolded[groupOf[id]]) {
      // a member of an unfolded group: double-click folds the group back
      delete state.unfolded[groupOf[id]]; apply(); return;
    }
    if (!state.focus) { setFocus(id, state.depth); return; }
    if (state.expanded[id]) { delete state.expanded[id]; } else { state.expanded[id] = true; }
    apply();
  }
  // The browser's own dblclick for the mouse (vis-network's recogniser times the two taps
  // itself and misses a double-click on a busy machine); vis's doubletap for touch.
  container.addEventListener("dblclick", function (ev) {
    var r = container.getBoundingClientRect();
    var id = network.getNodeAt({ x: ev.clientX - r.left, y: ev.clientY - r.top });
    if (id !== undefined && id !== null) { toggleExpand(id); }
  });
  network.on("doubleClick", function (p) {
    var touch = p.event && p.event.pointerType === "touch";
    if (touch && p.nodes.length) { toggleExpand(p.nodes[0]); }
  });
  $("hkg-only").addEventListener("click", function () {
    if (state.selected) { setFocus(state.selected, $("hkg-depth").value); }
  });
  $("hkg-all").addEventListener("click", function () { setFocus(null); });
  $("hkg-depth").addEventListener("change", function (ev) {
    state.depth = Number(ev.target.value);
    if (state.focus) { apply(); fitVisible(); }
  });

  // ---- the evidence panel
  var panel = $("hkg-panel"), panelBody = $("hkg-panel-body");
  function copyFrom(node, text, note) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var sel = window.getSelection();
    sel.removeAllRanges(); sel.addRange(range);
    var done = function (ok) { note.textContent = ok ? t("copied") : t("selectedText"); };
    var legacy = false;
    try { legacy = document.execCommand("copy"); } catch (e) { legacy = false; }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(legacy); });
    } else { done(legacy); }
  }
  function safeUrl(u) {
    try {
      var parsed = new URL(String(u));
      return (parsed.protocol === "http:" || parsed.protocol === "https:") ? parsed.href : null;
    } catch (e) { return null; }
  }
  function row(dl, label, value, cls) {
    if (value === undefined || value === null || value === "") { return null; }
    dl.appendChild(el("dt", null, label));
    var dd = el("dd", cls || null);
    if (typeof value === "string" || typeof value === "number") { dd.textContent = String(value); } else { dd.appendChild(value); }
    dl.appendChild(dd);
    return dd;
  }
  function pair(zhEn) { return zhEn ? (state.lang === "en" ? zhEn[1] : zhEn[0]) : ""; }
  function evidenceText(rec) {
    if (rec.t === "q") {
      var pos = rec.s !== undefined ? " [" + rec.s + "–" + rec.e + "]" : "";
      return "「" + rec.x + "」" + (rec.srcz ? " " + (state.lang === "en" ? rec.srce : rec.srcz) : "") + pos;
    }
    return [rec.o, rec.oo ? "(" + t("original") + " " + rec.oo + ")" : "", rec.ti ? "《" + rec.ti + "》" : "", rec.d,
            rec.loc, rec.kp ? "「" + rec.kp + "」" : "", rec.u].filter(function (x) { return x; }).join(" ");
  }
  function evidenceBox(idx) {
    var rec = EV[idx], box = el("div", "ev ev-" + (rec.t === "q" ? "quote" : "cite"));
    box.dataset.ev = String(idx);
    var head = el("div", "ev-head", rec.t === "q" ? t("quote") : t("citation"));
    if (rec.st) {
      var badge = el("span", "badge " + (isInferred(rec.st) ? "inferred" : "stated"), statusName(rec.st));
      head.appendChild(document.createTextNode(" ")); head.appendChild(badge);
    }
    box.appendChild(head);
    var dl = el("dl");
    var copyTarget;
    if (rec.t === "q") {
      copyTarget = el("blockquote", "quote-text", rec.x);
      copyTarget.lang = "zh";
      box.appendChild(copyTarget);
      row(dl, t("source"), state.lang === "en" ? (rec.srce || rec.srcz || rec.src) : (rec.srcz || rec.srce || rec.src));
      if (rec.s !== undefined) { row(dl, t("position"), t("chars") + " " + rec.s + "–" + rec.e); }
    } else {
      row(dl, t("outlet"), rec.o);
      row(dl, t("original"), rec.oo);
      row(dl, t("title"), rec.ti);
      row(dl, t("issued"), rec.d);
      row(dl, t("readOn"), rec.rd);
      row(dl, t("locator"), rec.loc);
      if (rec.kp) { copyTarget = el("span", "keyphrase", rec.kp); row(dl, t("keyPhrase"), copyTarget); }
      row(dl, t("sourceType"), state.lang === "en" ? (rec.ste || rec.stk) : (rec.stz || rec.stk));
      row(dl, t("reliability"), state.lang === "en" ? (rec.re || rec.rk) : (rec.rz || rec.rk));
      if (rec.u) {
        var href = safeUrl(rec.u), link;
        if (href) {
          link = el("a", "cite-link", rec.u);
          link.href = href; link.target = "_blank"; link.rel = "noopener noreferrer";
        } else { link = el("span", "url-text", rec.u); }
        row(dl, t("url"), link);
      }
    }
    if (rec.nt) { row(dl, t("note"), rec.nt); }
    box.appendChild(dl);
    var btn = el("button", "copy", t("copy")), note = el("span", "copy-note");
    btn.type = "button";
    var text = evidenceText(rec), target = copyTarget || box;
    btn.addEventListener("click", function () { copyFrom(target, rec.t === "q" ? rec.x : text, note); });
    box.appendChild(btn); box.appendChild(note);
    return box;
  }
  function nodeButton(id) {
    var n = byId[id] || groupNodes.filter(function (g) { return g.id === id; })[0];
    var b = el("button", "nb", n ? nm(n) : id);
    b.type = "button";
    if (visible.nodes[id] === false) { b.classList.add("is-hidden"); b.title = t("hidden"); }
    b.addEventListener("click", function () { reveal(id); pin(id); network.focus(id, { animation: false }); });
    return b;
  }
  function evidenceList(parent, ev) {
    if (!ev || !ev.length) { parent.appendChild(el("p", "note", t("noEvidence"))); return; }
    ev.forEach(function (i) { parent.appendChild(evidenceBox(i)); });
  }
  function entityLink(n) {
    var base = "https://w3id.org/hrbvet/id/";
    if (!/^https?:$/.test(location.protocol) || !n.iri || n.iri.indexOf(base) !== 0) { return null; }
    var slug = n.iri.slice(base.length);
    if (!/^[a-z0-9/-]+$/.test(slug)) { return null; }
    var a = el("a", "entity-link", t("entityPage"));
    a.href = "/id/" + slug;
    return a;
  }
  function renderNode(id) {
    var n = byId[id];
    $("hkg-panel-title").textContent = nm(n);
    var sub = el("p", "subtitle", other(n));
    panelBody.appendChild(sub);
    var dl = el("dl");
    var kindLi = document.querySelector('#hkg-kinds input[data-kind="' + (data.kinds.filter(function (p) { return p[1] === n.k; })[0] || [""])[0] + '"]');
    var kindName = kindLi ? kindLi.parentNode.querySelector(state.lang === "en" ? ".en" : ".zh").textContent : n.k;
    row(dl, t("kind"), kindName);
    if (n.al && n.al.length) { row(dl, t("aliases"), n.al.join("、")); }
    row(dl, t("level"), pair(n.lv));
    row(dl, t("place"), pair(n.pl));
    if (n.yr !== undefined) { row(dl, t("year"), n.yr === -1 ? t("undated") : n.yr); }
    if (n.st) { row(dl, t("status"), statusName(n.st)); }
    if (n.ph) { row(dl, t("note"), t("placeholder")); }
    if (n.iri) { row(dl, "IRI", el("code", "iri", n.iri)); }
    var link = entityLink(n);
    if (link) { row(dl, t("entityPage"), link); }
    panelBody.appendChild(dl);
    panelBody.appendChild(el("h3", null, t("evidence")));
    evidenceList(panelBody, n.ev);
    panelBody.appendChild(el("h3", null, t("links") + " (" + adj[id].length + ")"));
    var byRel = {}, order = [];
    adj[id].forEach(function (p) {
      var e = edgeById[p[0]], key = nm(e) || e.r;
      if (!byRel[key]) { byRel[key] = []; order.push(key); }
      byRel[key].push(p);
    });
    order.sort(function (a, b) { return a.localeCompare(b); });
    order.forEach(function (key) {
      var sec = el("details", "rel-group");
      sec.open = byRel[key].length <= 8;
      sec.appendChild(el("summary", null, key + " · " + byRel[key].length));
      byRel[key].forEach(function (p) {
        var e = edgeById[p[0]], item = el("div", "rel-item");
        item.appendChild(nodeButton(p[1]));
        if (e.st) { item.appendChild(el("span", "badge " + (isInferred(e.st) ? "inferred" : "stated"), statusName(e.st))); }
        if (e.yr !== undefined) { item.appendChild(el("span", "year", e.yr === -1 ? t("undated") : String(e.yr))); }
        var own = (e.ev || []).filter(function (i) { return (n.ev || []).indexOf(i) < 0; });
        own.forEach(function (i) { item.appendChild(evidenceBox(i)); });
        sec.appendChild(item);
      });
      panelBody.appendChild(sec);
    });
  }
  function renderEdge(id) {
    var e = edgeById[id];
    $("hkg-panel-title").textContent = nm(e) || e.r;
    var p = el("p", "route");
    p.appendChild(nodeButton(e.from)); p.appendChild(document.createTextNode(" → ")); p.appendChild(nodeButton(e.to));
    panelBody.appendChild(p);
    var dl = el("dl");
    if (e.st) { row(dl, t("status"), statusName(e.st)); }
    if (e.yr !== undefined) { row(dl, t("year"), e.yr === -1 ? t("undated") : e.yr); }
    panelBody.appendChild(dl);
    panelBody.appendChild(el("h3", null, t("evidence")));
    evidenceList(panelBody, e.ev);
  }
  function renderGroup(id) {
    var g = groupById[id];
    $("hkg-panel-title").textContent = nm(g);
    panelBody.appendChild(el("p", "note", t("group")));
    panelBody.appendChild(el("h3", null, t("members") + " (" + g.members.length + ")"));
    var ul = el("ul", "members");
    g.members.forEach(function (m) { var li = el("li"); li.appendChild(nodeButton(m)); ul.appendChild(li); });
    panelBody.appendChild(ul);
  }
  function renderPaths() {
    var p = state.path;
    $("hkg-panel-title").textContent = t("pathsTitle");
    var head = el("p", "route");
    head.appendChild(nodeButton(p.from)); head.appendChild(document.createTextNode(" ⇢ ")); head.appendChild(nodeButton(p.to));
    panelBody.appendChild(head);
    if (!p.paths.length) { panelBody.appendChild(el("p", "note", t("noPath"))); return; }
    p.paths.forEach(function (path, k) {
      var box = el("ol", "path");
      box.dataset.path = String(k);
      for (var i = 0; i + 1 < path.nodes.length; i++) {
        var e = edgeById[path.edges[i]], li = el("li");
        li.appendChild(nodeButton(path.nodes[i]));
        li.appendChild(el("span", "rel" + (isInferred(e.st) ? " inferred" : ""), " —" + (nm(e) || e.r) + "→ "));
        li.appendChild(nodeButton(path.nodes[i + 1]));
        var det = el("details", "path-ev");
        det.appendChild(el("summary", null, t("evidence") + " (" + (e.ev || []).length + ")"));
        evidenceList(det, e.ev);
        li.appendChild(det);
        box.appendChild(li);
      }
      panelBody.appendChild(box);
    });
  }
  function renderPanel() {
    while (panelBody.firstChild) { panelBody.removeChild(panelBody.firstChild); }
    if (state.path && state.path.paths) { renderPaths(); }
    else if (state.selected && groupById[state.selected]) { renderGroup(state.selected); }
    else if (state.selected) { renderNode(state.selected); }
    else if (state.selectedEdge) { renderEdge(state.selectedEdge); }
    else { closePanel(true); return; }
    panel.hidden = false;
  }
  function pin(id) {
    state.selected = id; state.selectedEdge = null; state.path = null;
    var status = $("hkg-status");
    var n = byId[id] || groupById[id];
    status.textContent = t("selected") + (n ? nm(n) : id);
    apply();
    network.selectNodes([id]);
    renderPanel();
    panel.focus();
  }
  function pinEdge(id) {
    state.selected = null; state.selectedEdge = id; state.path = null;
    syncLive();  // a drawn link becomes a vis edge, so vis-network can select it
    network.setSelection({ nodes: [], edges: [id] });
    renderPanel();
    panel.focus();
    writeHash();
  }
  function closePanel(quiet) {
    panel.hidden = true;
    state.selected = null; state.selectedEdge = null; state.path = null;
    network.unselectAll();
    syncLive();
    if (!quiet) { writeHash(); $("hkg-search").focus(); }
  }
  network.on("click", function (p) {
    if (p.nodes.length) { pin(p.nodes[0]); return; }
    var hit = p.edges.filter(function (id) { return edgeById[id]; })[0];
    if (hit === undefined && DRAWN) { hit = linkAt(p.pointer.DOM); }  // a link drawn by the page
    if (hit) { pinEdge(hit); }
  });
  $("hkg-panel-close").addEventListener("click", function () { closePanel(); });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && !panel.hidden) { ev.preventDefault(); closePanel(); }
  });

  // ---- shortest paths (undirected, over the links the filters let through)
  function shortestPaths(from, to, limit) {
    var dist = {}, preds = {}, queue = [from], head = 0;
    dist[from] = 0; preds[from] = [];
    while (head < queue.length) {
      var u = queue[head++];
      if (u === to) { continue; }
      adj[u].forEach(function (p) {
        var e = edgeById[p[0]], v = p[1];
        if (!edgePasses(e) || !nodePasses(byId[v])) { return; }
        if (dist[v] === undefined) { dist[v] = dist[u] + 1; preds[v] = [[u, p[0]]]; queue.push(v); }
        else if (dist[v] === dist[u] + 1) { preds[v].push([u, p[0]]); }
      });
    }
    if (dist[to] === undefined) { return []; }
    var out = [];
    (function walk(v, nodesAcc, edgesAcc) {
      if (out.length >= limit) { return; }
      if (v === from) { out.push({ nodes: [from].concat(nodesAcc), edges: edgesAcc.slice() }); return; }
      preds[v].forEach(function (pe) { walk(pe[0], [v].concat(nodesAcc), [pe[1]].concat(edgesAcc)); });
    })(to, [], []);
    return out;
  }
  function findPaths(a, b) {
    var from = find(a), to = find(b);
    if (!from || !to) {
      state.path = { from: from || a, to: to || b, paths: [] };
      $("hkg-status").textContent = t("pathNeeds");
      return null;
    }
    var paths = shortestPaths(from, to, 5);
    state.selected = null; state.selectedEdge = null;
    state.path = { from: from, to: to, paths: paths, q: [a, b] };
    var ns = {}, es = {};
    paths.forEach(function (p) {
      p.nodes.forEach(function (n) { ns[n] = true; reveal(n); });
      p.edges.forEach(function (e) { es[e] = true; });
    });
    apply();
    network.setSelection({ nodes: Object.keys(ns), edges: Object.keys(es) });
    if (paths.length) { network.fit({ nodes: Object.keys(ns), animation: false }); }
    renderPanel();
    panel.focus();
    return paths;
  }
  $("hkg-path-form").addEventListener("submit", function (ev) {
    ev.preventDefault(); findPaths($("hkg-path-from").value, $("hkg-path-to").value);
  });

  // ---- exports, made in the page: nothing leaves it but the file the user saves
  function download(blob, name) {
    var a = document.createElement("a");
    a.download = name;
    a.href = URL.createObjectURL(blob);
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 2000);
  }
  function legendItems() {
    var out = [], seenKinds = {};
    data.nodes.forEach(function (n) { if (visible.nodes[n.id] || (groupOf[n.id] && visible.nodes[groupOf[n.id]])) { seenKinds[n.k] = true; } });
    var lis = document.querySelectorAll("#hkg-kinds li");
    for (var i = 0; i < lis.length; i++) {
      var box = lis[i].querySelector("input"), k = kindOf[box.dataset.kind];
      if (!seenKinds[k]) { continue; }
      var sw = lis[i].querySelector(".swatch");
      out.push({ colour: sw ? sw.style.backgroundColor : "#888888",
                 text: lis[i].querySelector(state.lang === "en" ? ".en" : ".zh").textContent });
    }
    return out;
  }
  function nodeColour(n) { return typeof n.color === "string" ? n.color : (n.color.background === "#ffffff" ? n.color.border : n.color.background); }
  function exportPNG() {
    var src = container.querySelector("canvas"), items = legendItems(), ratio = src.width / src.clientWidth;
    var w = src.width + Math.round(260 * ratio), h = Math.max(src.height, Math.round((60 + 22 * items.length) * ratio));
    var c = document.createElement("canvas");
    c.width = w; c.height = h;
    var g = c.getContext("2d");
    g.fillStyle = "#ffffff"; g.fillRect(0, 0, w, h);
    g.drawImage(src, 0, 0);
    g.scale(ratio, ratio);
    var x0 = src.clientWidth + 16;
    g.fillStyle = "#222222"; g.font = "bold 15px " + data.options.nodes.font.face;
    g.fillText(data.titles[state.lang === "en" ? 1 : 0].slice(0, 24), x0, 26);
    g.font = "13px " + data.options.nodes.font.face;
    items.forEach(function (it, i) {
      g.fillStyle = it.colour; g.beginPath(); g.arc(x0 + 6, 50 + 22 * i, 6, 0, 2 * Math.PI); g.fill();
      g.fillStyle = "#222222"; g.fillText(it.text, x0 + 20, 55 + 22 * i);
    });
    return c;
  }
  var SVGNS = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs, text) {
    var x = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { x.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) { x.textContent = String(text); }
    return x;
  }
  function exportSVG() {
    var ids = Object.keys(visible.nodes).filter(function (id) { return visible.nodes[id]; });
    var pos = network.getPositions(ids), xs = [], ys = [];
    ids.forEach(function (id) { xs.push(pos[id].x); ys.push(pos[id].y); });
    var minX = Math.min.apply(null, xs.concat([0])) - 60, minY = Math.min.apply(null, ys.concat([0])) - 60;
    var maxX = Math.max.apply(null, xs.concat([0])) + 60, maxY = Math.max.apply(null, ys.concat([0])) + 60;
    var items = legendItems(), legendW = 300;
    var svg = svgEl("svg", { xmlns: SVGNS, width: Math.round(maxX - minX + legendW), height: Math.round(Math.max(maxY - minY, 80 + 24 * items.length)),
                             viewBox: [minX, minY, Math.round(maxX - minX + legendW), Math.round(Math.max(maxY - minY, 80 + 24 * items.length))].join(" ") });
    svg.appendChild(svgEl("title", {}, data.titles[state.lang === "en" ? 1 : 0]));
    svg.appendChild(svgEl("rect", { x: minX, y: minY, width: "100%", height: "100%", fill: "#ffffff" }));
    var gl = svgEl("g", { "class": "links", stroke: "#9e9e9e", "stroke-width": 1.2 });
    Object.keys(visible.edges).forEach(function (id) {
      if (!visible.edges[id]) { return; }
      var e = edgeById[id] || edges.get(id), a = e && pos[e.from], b = e && pos[e.to];
      if (!a || !b) { return; }
      var line = svgEl("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y });
      if (edgeById[id] && isInferred(edgeById[id].st)) { line.setAttribute("stroke-dasharray", "6 4"); }
      gl.appendChild(line);
    });
    svg.appendChild(gl);
    var gn = svgEl("g", { "class": "nodes", "font-family": "Noto Sans CJK SC, WenQuanYi Zen Hei, sans-serif", "font-size": 12 });
    ids.forEach(function (id) {
      var n = nodes.get(id), body = network.body.nodes[id], r = body ? body.options.size : 10;
      var grp = svgEl("g", {});
      grp.appendChild(svgEl("circle", { cx: pos[id].x, cy: pos[id].y, r: r, fill: nodeColour(n), stroke: "#555555", "stroke-width": 0.8 }));
      grp.appendChild(svgEl("text", { x: pos[id].x, y: pos[id].y + r + 13, "text-anchor": "middle" }, nm(byId[id] || n)));
      gn.appendChild(grp);
    });
    svg.appendChild(gn);
    var lg = svgEl("g", { "class": "legend", "font-family": "Noto Sans CJK SC, WenQuanYi Zen Hei, sans-serif", "font-size": 13 });
    var lx = maxX + 20;
    lg.appendChild(svgEl("text", { x: lx, y: minY + 30, "font-weight": "bold" }, t("legend")));
    items.forEach(function (it, i) {
      lg.appendChild(svgEl("circle", { cx: lx + 6, cy: minY + 52 + 24 * i, r: 6, fill: it.colour }));
      lg.appendChild(svgEl("text", { x: lx + 20, y: minY + 57 + 24 * i }, it.text));
    });
    svg.appendChild(lg);
    return new XMLSerializer().serializeToString(svg);
  }
  function csvCell(v) {
    var s = v === undefined || v === null ? "" : String(v);
    if (/^[=+\-@\t\r]/.test(s)) { s = "'" + s; }  // a spreadsheet must not run a cell as a formula
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function exportCSV() {
    var rows = [["type", "id", "iri", "name_zh", "name_en", "kind_or_relation", "from", "to", "status", "year", "evidence"]];
    var scope = state.selected && byId[state.selected] ? neighbourhood(state.selected, 1) : null;
    var evs = function (list) { return (list || []).map(function (i) { return evidenceText(EV[i]); }).join(" | "); };
    data.nodes.forEach(function (n) {
      var shown = visible.nodes[n.id] || (groupOf[n.id] && visible.nodes[groupOf[n.id]]);
      if (!shown || (scope && !scope[n.id])) { return; }
      rows.push(["node", n.id, n.iri, n.lz, n.le, n.k, "", "", n.st || "", n.yr === -1 ? "" : (n.yr || ""), evs(n.ev)]);
    });
    data.edges.forEach(function (e) {
      var a = byId[e.from], b = byId[e.to];
      var shown = visible.edges[e.id] || ((groupOf[e.from] || groupOf[e.to]) && edgePasses(e));
      if (!shown || (scope && e.from !== state.selected && e.to !== state.selected)) { return; }
      rows.push(["link", e.id, "", e.lz, e.le, e.r, a.iri || a.lz, b.iri || b.lz, e.st || "", e.yr === -1 ? "" : (e.yr || ""), evs(e.ev)]);
    });
    return "\ufeff" + rows.map(function (r) { return r.map(csvCell).join(","); }).join("\r\n") + "\r\n";
  }
  $("hkg-png").addEventListener("click", function () { exportPNG().toBlob(function (b) { download(b, "harbin-kg-map.png"); }, "image/png"); });
  $("hkg-svg").addEventListener("click", function () { download(new Blob([exportSVG()], { type: "image/svg+xml" }), "harbin-kg-map.svg"); });
  $("hkg-csv").addEventListener("click", function () { download(new Blob([exportCSV()], { type: "text/csv;charset=utf-8" }), "harbin-kg-map.csv"); });
  $("hkg-link").addEventListener("click", function () {
    var done = function () { $("hkg-status").textContent = t("linkCopied"); };
    if (navigator.clipboard && navigator.clipboard.writeText) { navigator.clipboard.writeText(location.href).then(done, done); } else { done(); }
  });

  // ---- the view in the URL fragment: #l=en&y=2021&ym=win&off=inferred&kx=Target&f=<iri>&d=2&sel=<iri>
  function keyOf(id) { var n = byId[id]; return n && n.iri ? n.iri : id; }
  var idOfKey = {};
  data.nodes.forEach(function (n) { idOfKey[n.id] = n.id; if (n.iri) { idOfKey[n.iri] = n.id; } });
  (data.groups || []).forEach(function (g) { idOfKey[g.id] = g.id; });
  var lastHash = null, booting = true;
  function writeHash() {
    if (booting) { return; }
    var p = new URLSearchParams();
    p.set("l", state.lang);
    var off = Object.keys(state.statuses).filter(function (k) { return !state.statuses[k]; });
    if (off.length) { p.set("off", off.join(",")); }
    [["kx", "kindsOff"], ["rx", "relsOff"], ["sx", "srcOff"]].forEach(function (kv) {
      var keys = Object.keys(state[kv[1]]).sort();
      if (keys.length) { p.set(kv[0], keys.join(",")); }
    });
    if (state.yearOn) { p.set("y", String(state.year)); p.set("ym", state.yearMode); }
    if (!state.undated) { p.set("u", "0"); }
    if (state.focus) { p.set("f", keyOf(state.focus)); p.set("d", String(state.depth)); }
    var ex = Object.keys(state.expanded).map(keyOf).sort();
    if (ex.length) { p.set("x", ex.join(" ")); }
    var gs = Object.keys(state.unfolded).sort();
    if (gs.length) { p.set("g", gs.join(",")); }
    if (state.selected) { p.set("sel", keyOf(state.selected)); }
    if (state.selectedEdge) { p.set("se", state.selectedEdge); }
    if (state.path && state.path.q) { p.set("pf", state.path.q[0]); p.set("pt", state.path.q[1]); }
    var hash = "#" + p.toString();
    if (hash === lastHash) { return; }
    lastHash = hash;
    // replaceState keeps the back button clean; an <iframe srcdoc> (notebooks) may refuse both
    try { history.replaceState(null, "", hash); } catch (e) { try { location.hash = hash; } catch (e2) { /* no URL to keep */ } }
  }
  function readHash() {
    var raw = location.hash.replace(/^#/, "");
    if (!raw) { return false; }
    var p = new URLSearchParams(raw);
    var list = function (k) { return (p.get(k) || "").split(",").filter(function (x) { return x; }); };
    if (p.get("l")) { state.lang = p.get("l") === "en" ? "en" : "zh"; }
    state.statuses = { stated: true, inferred: true };
    list("off").forEach(function (k) { if (k in state.statuses) { state.statuses[k] = false; } });
    state.kindsOff = {}; state.relsOff = {}; state.srcOff = {};
    list("kx").forEach(function (k) { state.kindsOff[k] = true; });
    list("rx").forEach(function (k) { state.relsOff[k] = true; });
    list("sx").forEach(function (k) { state.srcOff[k] = true; });
    state.yearOn = p.has("y");
    if (p.has("y") && !isNaN(Number(p.get("y")))) { state.year = Number(p.get("y")); }
    state.yearMode = p.get("ym") === "win" ? "win" : "cum";
    state.undated = p.get("u") !== "0";
    state.focus = p.get("f") && idOfKey[p.get("f")] ? idOfKey[p.get("f")] : null;
    if (p.get("d")) { state.depth = Math.max(1, Math.min(3, Number(p.get("d")) || 1)); }
    state.expanded = {};
    (p.get("x") || "").split(" ").forEach(function (k) { if (idOfKey[k]) { state.expanded[idOfKey[k]] = true; } });
    state.unfolded = {};
    list("g").forEach(function (k) { if (groupById[k]) { state.unfolded[k] = true; } });
    state.selected = p.get("sel") && idOfKey[p.get("sel")] ? idOfKey[p.get("sel")] : null;
    state.selectedEdge = p.get("se") && edgeById[p.get("se")] ? p.get("se") : null;
    state.path = p.has("pf") && p.has("pt") ? { q: [p.get("pf"), p.get("pt")] } : null;
    return true;
  }
  function syncControls() {
    var boxes = document.querySelectorAll("#hkg-kinds input[data-kind]"), i;
    for (i = 0; i < boxes.length; i++) { boxes[i].checked = !state.kindsOff[kindOf[boxes[i].dataset.kind]]; }
    boxes = document.querySelectorAll("#hkg-rels input[data-rel]");
    for (i = 0; i < boxes.length; i++) { boxes[i].checked = !state.relsOff[relOf[boxes[i].dataset.rel]]; }
    boxes = document.querySelectorAll("#hkg-srctypes input[data-srctype]");
    for (i = 0; i < boxes.length; i++) { boxes[i].checked = !state.srcOff[srcOf[boxes[i].dataset.srctype]]; }
    boxes = document.querySelectorAll("#hkg-statuses input[data-status]");
    for (i = 0; i < boxes.length; i++) { boxes[i].checked = !!state.statuses[boxes[i].dataset.status]; }
    $("hkg-undated").checked = state.undated;
    $("hkg-depth").value = String(state.depth);
    if ($("hkg-year")) {
      $("hkg-year").value = state.year; $("hkg-year-value").textContent = String(state.year);
      $("hkg-year-on").checked = state.yearOn;
      var radios = document.querySelectorAll('input[name="hkg-year-mode"]');
      for (i = 0; i < radios.length; i++) { radios[i].checked = radios[i].value === state.yearMode; }
    }
  }
  var booted = false;
  function restore() {
    syncControls();
    setLang(state.lang, true);
    highlightFocus();
    apply();
    // the view opens on what is shown, not on every node of the selection; when that is every
    // node, vis-network has just fitted them, and a second fit would measure them all again
    var everything = !data.options.physics.enabled && data.nodes.every(function (n) { return visible.nodes[n.id]; });
    if (!(booted === false && everything)) { fitVisible(); }
    booted = true;
    var sel = state.selected, se = state.selectedEdge, path = state.path;
    if (path && path.q) { findPaths(path.q[0], path.q[1]); }
    else if (sel) { pin(sel); }
    else if (se) { pinEdge(se); }
    else { panel.hidden = true; }
  }
  if (!readHash() && data.focus) { state.focus = data.focus; state.depth = data.depth || 1; }
  booting = false;
  restore();
  window.addEventListener("hashchange", function () {
    if (location.hash === lastHash) { return; }
    if (readHash()) { restore(); }
  });

  window.hkgMap = { network: network, nodes: nodes, edges: edges, state: state, data: data,
                    search: search, setLang: setLang, setKindVisible: setKindVisible, setStatus: setStatus,
                    setYear: setYear, setFocus: setFocus, toggleExpand: toggleExpand, pin: pin, pinEdge: pinEdge,
                    closePanel: closePanel, findPaths: findPaths, apply: apply, visible: function () { return visible; },
                    exportSVG: exportSVG, exportCSV: exportCSV,
                    exportPNG: function () { return exportPNG().toDataURL("image/png"); },
                    labelled: function () { return Object.keys(labelled); }, nodeTip: nodeTip, edgeTip: edgeTip,
                    panning: function () { return !!snapshot; },
                    drawnLinks: drawnLinks, liveLinks: function () { return Object.keys(live).sort(); },
                    selectedLinks: function () { return selectedLinks().map(function (e) { return e.id; }).sort(); },
                    linkAt: linkAt };
})();
