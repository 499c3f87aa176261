// Profile page: map of the territory with its QPV.
(function () {
  const el = document.getElementById("map");
  if (el) {
    const bbox = JSON.parse(el.dataset.bbox);
    const map = new maplibregl.Map({
      container: el,
      style: { version: 8, sources: {}, layers: [{ id: "bg", type: "background", paint: { "background-color": "#eef2f5" } }] },
      bounds: [[bbox[0], bbox[1]], [bbox[2], bbox[3]]],
      fitBoundsOptions: { padding: 40, maxZoom: 14 },
      attributionControl: { customAttribution: "ANCT, INSEE, IGN — Licence Ouverte" },
    });
    map.addControl(new maplibregl.NavigationControl(), "top-right");
    window.quartiersMap = map; // for the browser tests and for debugging from the console
    const json = async (url) => (await fetch(url)).json();
    map.on("load", async () => {
      // the outline is fetched once: filled under the QPV (unless a QPV is drawn within its
      // commune, among the commune's other QPV), and stroked over them
      const [outline, qpv, context] = await Promise.all([json(el.dataset.outline), json(el.dataset.qpv),
        el.dataset.context ? json(el.dataset.context) : null]);
      map.addSource("outline", { type: "geojson", data: outline });
      if (context) {
        map.addSource("context", { type: "geojson", data: context });
        map.addLayer({ id: "context-fill", type: "fill", source: "context", paint: { "fill-color": "#ffffff" } });
        map.addLayer({ id: "context-line", type: "line", source: "context", paint: { "line-color": "#9aa7b4", "line-width": 1 } });
      } else {
        map.addLayer({ id: "outline-fill", type: "fill", source: "outline", paint: { "fill-color": "#ffffff" } });
      }
      map.addSource("qpv", { type: "geojson", data: qpv });
      map.addLayer({ id: "qpv-fill", type: "fill", source: "qpv", paint: {
        "fill-color": "#b3262e", "fill-opacity": ["case", ["==", ["get", "code"], el.dataset.code], 0.8, 0.45] } });
      map.addLayer({ id: "qpv-line", type: "line", source: "qpv", paint: { "line-color": "#6b0c10", "line-width": 1 } });
      map.addLayer({ id: "outline-line", type: "line", source: "outline", paint: { "line-color": "#1d2733", "line-width": 2 } });
      map.on("click", "qpv-fill", (e) => { window.location.href = `/territoires/qpv/${e.features[0].properties.code}/`; });
      map.on("mouseenter", "qpv-fill", () => { map.getCanvas().style.cursor = "pointer"; });
      map.on("mouseleave", "qpv-fill", () => { map.getCanvas().style.cursor = ""; });
      el.dataset.qpvCount = String(qpv.features.length);
      el.dataset.loaded = "1";
    });
  }
})();
