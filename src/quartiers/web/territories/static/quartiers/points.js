// Located points of an uploaded file, over the QPV perimeters and the offline basemap
// (département outlines, place names as one zooms in).
(function () {
  const el = document.getElementById("map");
  const basemap = window.quartiersBasemap;
  const points = JSON.parse(el.dataset.points);
  const map = new maplibregl.Map(basemap.options(el, { bounds: [[-5.2, 41.3], [9.6, 51.1]] }));
  map.addControl(new maplibregl.NavigationControl(), "top-right");
  window.quartiersMap = map;
  map.on("load", async () => {
    const [departements, places, qpv] = await Promise.all([basemap.json(el.dataset.departements),
      basemap.json(el.dataset.places), basemap.json(el.dataset.qpv)]);
    basemap.addArea(map, el, "departements", departements);
    map.addSource("qpv", { type: "geojson", data: qpv });
    map.addLayer({ id: "qpv-fill", type: "fill", source: "qpv", paint: { "fill-color": "#b3262e", "fill-opacity": 0.25 } });
    map.addLayer({ id: "qpv-line", type: "line", source: "qpv", paint: { "line-color": "#b3262e", "line-width": 1.2 } });
    const features = points.map(([x, y, code]) => ({ type: "Feature", properties: { code }, geometry: { type: "Point", coordinates: [x, y] } }));
    map.addSource("points", { type: "geojson", data: { type: "FeatureCollection", features } });
    map.addLayer({ id: "points", type: "circle", source: "points", paint: { "circle-radius": 3, "circle-color": "#1d2733" } });
    basemap.addPlaces(map, el, "places", places);
    if (features.length) {
      const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
      map.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]],
                    { padding: 40, maxZoom: 14, animate: false });
    }
    el.dataset.loaded = "1";
  });
})();
