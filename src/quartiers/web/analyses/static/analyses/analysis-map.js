// An analysis's map: one component of one facet for every territory of a level, coloured by
// its tercile score (or the tercile of its value among those drawn), over the offline basemap.
// Territories without a result for the component are drawn grey, never as zero; a click opens
// the territory's results. The colours come from the server (the same as the PDF note's).
(function () {
  const el = document.getElementById("analysis-map");
  if (!el) return;
  const basemap = window.quartiersBasemap;
  const colours = JSON.parse(el.dataset.colours);
  const BLANK = el.dataset.blank;
  const DOTS_BELOW = 9; // QPV are dots at national zooms, perimeters once zoomed in
  const component = document.getElementById("map-component");
  const facet = document.getElementById("map-facet");
  const level = document.getElementById("map-level");
  const status = document.getElementById("map-status");
  const map = new maplibregl.Map(basemap.options(el, { bounds: [[-5.2, 41.3], [9.6, 51.1]] }));
  map.addControl(new maplibregl.NavigationControl(), "top-right");
  window.quartiersMap = map; // for the browser tests and for debugging from the console

  function centroids(collection) {
    return { type: "FeatureCollection", features: collection.features.map((f) => {
      const ring = f.geometry.type === "Polygon" ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
      let x = 0, y = 0;
      ring.forEach((c) => { x += c[0]; y += c[1]; });
      return { type: "Feature", properties: f.properties, geometry: { type: "Point", coordinates: [x / ring.length, y / ring.length] } };
    }) };
  }

  // Each feature's class colour, as the PDF note's (engine/reports/analysis_note.py): its
  // tercile score, or three equal intervals between the lowest and highest values drawn;
  // the legend says which (the scored one is the page's own, kept from the server).
  const legendBox = document.getElementById("map-legend");
  const scoredLegend = legendBox.innerHTML;
  function colour(collection, unit) {
    const scored = collection.features.some((f) => f.properties.score !== null);
    const values = collection.features.map((f) => f.properties.valeur).filter((v) => v !== null);
    const low = Math.min(...values), high = Math.max(...values), step = (high - low) / 3;
    const cuts = [low + step, low + 2 * step];
    collection.features.forEach((f) => {
      const p = f.properties;
      if (p.valeur === null) p.couleur = BLANK;
      else if (scored) p.couleur = p.score ? colours[p.score - 1] : BLANK;
      else p.couleur = colours[step ? cuts.filter((c) => p.valeur >= c).length : 1];
    });
    // territories without a result drawn first, under those with one (Nantes's 12 QPV with
    // an exposure stay visible among 1,600 grey dots)
    collection.features.sort((a, b) => (a.properties.valeur === null ? 0 : 1) - (b.properties.valeur === null ? 0 : 1));
    if (scored || !values.length) {
      legendBox.innerHTML = scoredLegend;
    } else {
      const fmt = (v) => basemap.formatValue(v, Math.abs(high) >= 10 ? 1 : 2, unit);
      const bounds = [low, ...cuts, high];
      const items = step ? colours.map((c, i) => [c, `de ${fmt(bounds[i])} à ${fmt(bounds[i + 1])}`]) : [[colours[1], `${fmt(low)} partout`]];
      items.push([BLANK, "sans valeur"]);
      legendBox.innerHTML = `<ul class="class-legend">${items.map(([c, label]) =>
        `<li><span class="swatch" style="background: ${c}"></span>${basemap.escapeHtml(label)}</li>`).join("")}</ul>`;
    }
    return collection;
  }

  // Metropolitan France when territories lie there (overseas ones stay reachable by zooming
  // out), else all of them: a national map is not shrunk by Réunion and Mayotte.
  const METROPOLE = [-5.5, 41, 10, 51.5];
  function extent(collection) {
    const xs = [], ys = [];
    const inside = (f) => { const [x, y] = centroids({ features: [f] }).features[0].geometry.coordinates;
      return x >= METROPOLE[0] && x <= METROPOLE[2] && y >= METROPOLE[1] && y <= METROPOLE[3]; };
    const metropolitan = collection.features.filter(inside);
    (metropolitan.length ? metropolitan : collection.features).forEach((f) => {
      const polygons = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
      polygons.forEach((p) => p[0].forEach(([x, y]) => { xs.push(x); ys.push(y); }));
    });
    return [[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]];
  }

  function describe(p) {
    const option = component.options[component.selectedIndex];
    const value = p.valeur === null ? "pas de résultat" : basemap.formatValue(p.valeur, Number.isInteger(p.valeur) ? 0 : 1, option.dataset.unit);
    const score = p.score ? ` — score ${p.score}/3` : "";
    const html = basemap.escapeHtml;
    return `<strong>${html(p.nom)}</strong> (${html(p.code)})<br>${html(option.textContent)} : ${html(value)}${score}`;
  }

  let first = true;
  async function load() {
    const shownLevel = level ? level.value : el.dataset.level;
    const params = new URLSearchParams({ composante: component.value, niveau: shownLevel });
    if (facet) params.set("facette", facet.value);
    const unit = component.options[component.selectedIndex].dataset.unit;
    const collection = colour(await basemap.json(`${el.dataset.layer}?${params}`), unit);
    const points = centroids(collection);
    const dots = shownLevel === "qpv" ? DOTS_BELOW : 0;
    if (map.getSource("results")) {
      map.getSource("results").setData(collection);
      map.getSource("results-points").setData(points);
    } else {
      map.addSource("results", { type: "geojson", data: collection });
      map.addSource("results-points", { type: "geojson", data: points });
      map.addLayer({ id: "results-fill", type: "fill", source: "results", minzoom: dots, paint: { "fill-color": ["get", "couleur"], "fill-opacity": 0.9 } });
      map.addLayer({ id: "results-line", type: "line", source: "results", minzoom: dots, paint: { "line-color": "#4d5b6a", "line-width": 0.6 } });
      map.addLayer({ id: "results-points", type: "circle", source: "results-points", maxzoom: dots || 0.0001,
        paint: { "circle-color": ["get", "couleur"], "circle-radius": ["interpolate", ["linear"], ["zoom"], 4, 2.5, 8, 6], "circle-stroke-color": "#4d5b6a", "circle-stroke-width": 0.5 } });
      const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false });
      for (const layer of ["results-fill", "results-points"]) {
        map.on("click", layer, (e) => { window.location.href = `/analyses/${el.dataset.analysis}/${shownLevel}/${e.features[0].properties.code}/`; });
        map.on("mousemove", layer, (e) => {
          map.getCanvas().style.cursor = "pointer";
          popup.setLngLat(e.lngLat).setHTML(describe(e.features[0].properties)).addTo(map);
        });
        map.on("mouseleave", layer, () => { map.getCanvas().style.cursor = ""; popup.remove(); });
      }
    }
    const blank = collection.features.filter((f) => f.properties.valeur === null).length;
    status.textContent = collection.features.length
      ? `${collection.features.length} territoires cartographiés, dont ${blank} sans résultat pour cette composante (en gris).`
      : "Aucun territoire de ce niveau n'a de contour dans les données embarquées : pas de carte, les résultats sont dans le tableau.";
    if (first && collection.features.length) map.fitBounds(extent(collection), { padding: 30, maxZoom: 11, duration: 0 });
    first = false;
    el.dataset.loaded = String(collection.features.length);
  }

  map.on("load", async () => {
    const [outline, places] = await Promise.all([basemap.json(el.dataset.outline), basemap.json(el.dataset.places)]);
    basemap.addArea(map, el, "departements", outline);
    await load();
    basemap.addPlaces(map, el, "places", places);
  });
  for (const select of [component, facet, level]) if (select) select.addEventListener("change", load);
})();
