// National map: QPV 2024 coloured by an indicator, département outlines; click opens the profile.
(function () {
  const el = document.getElementById("map");
  if (!el) return;
  const colours = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"];
  const map = new maplibregl.Map({
    container: el,
    style: { version: 8, sources: {}, layers: [{ id: "bg", type: "background", paint: { "background-color": "#eef2f5" } }] },
    bounds: [[-5.2, 41.3], [9.6, 51.1]],
    attributionControl: { customAttribution: "ANCT, INSEE, IGN — Licence Ouverte" },
  });
  map.addControl(new maplibregl.NavigationControl(), "top-right");
  window.quartiersMap = map; // for the browser tests and for debugging from the console
  const select = document.getElementById("indicator");

  function centroids(collection) {
    return { type: "FeatureCollection", features: collection.features.filter((f) => f.geometry).map((f) => {
      const ring = f.geometry.type === "Polygon" ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
      let x = 0, y = 0;
      ring.forEach((c) => { x += c[0]; y += c[1]; });
      return { type: "Feature", properties: f.properties, geometry: { type: "Point", coordinates: [x / ring.length, y / ring.length] } };
    }) };
  }

  function breaks(collection) {
    const values = collection.features.map((f) => f.properties.valeur).filter((v) => v !== null).sort((a, b) => a - b);
    return [0.2, 0.4, 0.6, 0.8].map((q) => values[Math.floor(q * (values.length - 1))]);
  }

  function colourExpression(cuts) {
    const expression = ["step", ["get", "valeur"], colours[0]];
    cuts.forEach((cut, i) => expression.push(cut, colours[i + 1]));
    return ["case", ["==", ["get", "valeur"], null], "#bbbbbb", expression];
  }

  function legend(cuts, unit) {
    const fmt = (v) => v.toLocaleString("fr-FR", { maximumFractionDigits: 1 });
    const labels = [`< ${fmt(cuts[0])}`, ...cuts.slice(0, -1).map((c, i) => `${fmt(c)} – ${fmt(cuts[i + 1])}`), `≥ ${fmt(cuts[cuts.length - 1])}`];
    document.getElementById("legend").innerHTML = labels.map((l, i) => `<span style="--c:${colours[i]}">${l}</span>`).join("") +
      `<span style="--c:#bbbbbb">non publié</span> <em>${unit} — quintiles des QPV</em>`;
  }

  async function load() {
    const option = select.options[select.selectedIndex];
    const response = await fetch(`${el.dataset.layer}?indicateur=${option.value}`);
    const collection = await response.json();
    const cuts = breaks(collection);
    if (map.getSource("qpv")) {
      map.getSource("qpv").setData(collection);
      map.getSource("qpv-points").setData(centroids(collection));
    } else {
      map.addSource("qpv", { type: "geojson", data: collection });
      map.addSource("qpv-points", { type: "geojson", data: centroids(collection) });
      map.addLayer({ id: "qpv-fill", type: "fill", source: "qpv", minzoom: 8, paint: { "fill-opacity": 0.85 } });
      map.addLayer({ id: "qpv-line", type: "line", source: "qpv", minzoom: 8, paint: { "line-color": "#6b0c10", "line-width": 0.8 } });
      map.addLayer({ id: "qpv-points", type: "circle", source: "qpv-points", maxzoom: 8,
        paint: { "circle-radius": ["interpolate", ["linear"], ["zoom"], 4, 2.5, 8, 6], "circle-stroke-color": "#6b0c10", "circle-stroke-width": 0.5 } });
      for (const layer of ["qpv-fill", "qpv-points"]) {
        map.on("click", layer, (e) => { window.location.href = `/territoires/qpv/${e.features[0].properties.code}/`; });
        map.on("mouseenter", layer, (e) => {
          map.getCanvas().style.cursor = "pointer";
          const p = e.features[0].properties;
          const value = p.valeur === null || p.valeur === "null" ? "non publié" : Number(p.valeur).toLocaleString("fr-FR", { maximumFractionDigits: 1 });
          const remark = p.remarque && p.remarque !== "null" ? `<br><em>${p.remarque}</em>` : "";
          popup.setLngLat(e.lngLat).setHTML(`<strong>${p.nom}</strong><br>${p.code} — ${value}${remark}`).addTo(map);
        });
        map.on("mouseleave", layer, () => { map.getCanvas().style.cursor = ""; popup.remove(); });
      }
    }
    map.setPaintProperty("qpv-fill", "fill-color", colourExpression(cuts));
    map.setPaintProperty("qpv-points", "circle-color", colourExpression(cuts));
    legend(cuts, option.dataset.unit);
    el.dataset.loaded = String(collection.features.length);
  }

  const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false });
  map.on("load", async () => {
    const outline = await (await fetch(el.dataset.outline)).json();
    map.addSource("departements", { type: "geojson", data: outline });
    map.addLayer({ id: "dep-fill", type: "fill", source: "departements", paint: { "fill-color": "#ffffff" } });
    map.addLayer({ id: "dep-line", type: "line", source: "departements", paint: { "line-color": "#9aa7b4", "line-width": 0.6 } });
    await load();
  });
  select.addEventListener("change", load);
})();
