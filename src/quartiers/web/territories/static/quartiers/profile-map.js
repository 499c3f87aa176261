// Profile page: map of the territory with its QPV, over an offline basemap of its surroundings
// (commune or département outlines and place names); hover names a QPV, a click opens it.
(function () {
  const el = document.getElementById("map");
  if (!el) return;
  const basemap = window.quartiersBasemap;
  const d = el.dataset;
  const TERRITORY = "#fbf1e4"; // the territory (or a QPV's commune), tinted over the white land

  // The surroundings drawn: the communes of an EPCI or a département, those of the EPCI (else
  // the département) of a commune or a QPV, the départements of a région or of France.
  function surroundings() {
    if (d.level === "france") return [d.departements, ""];
    if (d.level === "region") return [d.departements, `?dans=region:${d.code}`];
    if (d.level === "epci" || d.level === "departement") return [d.communes, `?dans=${d.level}:${d.code}`];
    return [d.communes, `?dans=${d.epci ? `epci:${d.epci}` : `departement:${d.departement}`}`];
  }

  const bbox = JSON.parse(d.bbox);
  const map = new maplibregl.Map(basemap.options(el, { bounds: [[bbox[0], bbox[1]], [bbox[2], bbox[3]]],
    fitBoundsOptions: { padding: 40, maxZoom: 14 } }));
  map.addControl(new maplibregl.NavigationControl(), "top-right");
  window.quartiersMap = map; // for the browser tests and for debugging from the console
  map.on("load", async () => {
    const [outlines, within] = surroundings();
    const [outline, qpv, context, area, places] = await Promise.all([basemap.json(d.outline), basemap.json(d.qpv),
      d.context ? basemap.json(d.context) : null, basemap.json(`${outlines}${within}`), basemap.json(`${d.places}${within}`)]);
    basemap.addArea(map, el, "surroundings", area, { line: "#b4bfcb", width: 0.6 });
    // the outline is fetched once: tinted under the QPV (a QPV's commune instead, among the
    // commune's other QPV), and stroked over them
    map.addSource("outline", { type: "geojson", data: outline });
    if (context) {
      map.addSource("context", { type: "geojson", data: context });
      map.addLayer({ id: "context-fill", type: "fill", source: "context", paint: { "fill-color": TERRITORY } });
      map.addLayer({ id: "context-line", type: "line", source: "context", paint: { "line-color": "#9aa7b4", "line-width": 1 } });
    } else {
      map.addLayer({ id: "outline-fill", type: "fill", source: "outline", paint: { "fill-color": TERRITORY } });
    }
    map.addSource("qpv", { type: "geojson", data: qpv });
    map.addLayer({ id: "qpv-fill", type: "fill", source: "qpv", paint: {
      "fill-color": "#b3262e", "fill-opacity": ["case", ["==", ["get", "code"], d.code], 0.8, 0.45] } });
    map.addLayer({ id: "qpv-line", type: "line", source: "qpv", paint: { "line-color": "#6b0c10", "line-width": 1 } });
    map.addLayer({ id: "outline-line", type: "line", source: "outline", paint: { "line-color": "#1d2733", "line-width": 2 } });
    basemap.addPlaces(map, el, "places", places);
    const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false });
    map.on("click", "qpv-fill", (e) => { window.location.href = `/territoires/qpv/${e.features[0].properties.code}/`; });
    map.on("mousemove", "qpv-fill", (e) => {
      map.getCanvas().style.cursor = "pointer";
      const p = e.features[0].properties;
      popup.setLngLat(e.lngLat).setHTML(`<strong>${basemap.escapeHtml(p.nom)}</strong> (${basemap.escapeHtml(p.code)})<br><small>quartier prioritaire 2024 — cliquez pour sa fiche</small>`).addTo(map);
    });
    map.on("mouseleave", "qpv-fill", () => { map.getCanvas().style.cursor = ""; popup.remove(); });
    d.qpvCount = String(qpv.features.length);
    d.loaded = "1";
  });
})();
