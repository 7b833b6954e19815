// The network map: contacts as nodes, introductions as edges, coloured by how recently the
// client was in touch. Data from the container's data-url (JSON); no inline script or style.
(function () {
  var box = document.getElementById("network-map");
  if (!box || typeof cytoscape === "undefined") return;
  var colours = { recent: "#146c43", warm: "#7a5c00", cold: "#b02a37", never: "#495057", asked: "#ffffff" };
  fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (graph) {
      var elements = graph.nodes.map(function (n) {
        return { data: { id: n.id, label: n.label, recency: n.recency, url: n.url || "",
                         colour: colours[n.recency] || colours.never } };
      }).concat(graph.edges.map(function (e, i) {
        return { data: { id: "e" + i, source: e.source, target: e.target, kind: e.kind } };
      }));
      var cy = cytoscape({
        container: box,
        elements: elements,
        layout: { name: "breadthfirst", directed: true, spacingFactor: 1.1, avoidOverlap: true },
        style: [
          { selector: "node", style: { "background-color": "data(colour)", label: "data(label)",
            "font-size": 11, "text-valign": "bottom", "text-margin-y": 4, width: 18, height: 18,
            "border-width": 1, "border-color": "#212529" } },
          { selector: "node[recency = 'asked']", style: { "border-style": "dashed", shape: "round-rectangle" } },
          { selector: "edge", style: { width: 2, "line-color": "#6c757d", "target-arrow-shape": "triangle",
            "target-arrow-color": "#6c757d", "curve-style": "bezier" } },
          { selector: "edge[kind = 'asked']", style: { "line-style": "dashed" } }
        ],
        wheelSensitivity: 0.3
      });
      cy.on("tap", "node", function (event) {
        var url = event.target.data("url");
        if (url) window.location.assign(url);
      });
      box.dataset.ready = String(graph.nodes.length);
    })
    .catch(function () { box.dataset.ready = "error"; });
})();
