// National map: QPV 2024 coloured by an indicator over an offline basemap (départements,
// then the communes of the départements in view once zoomed in, and place names), with one
// inset per overseas territory holding QPV; a click opens the QPV's profile.
(function () {
  const el = document.getElementById("map");
  if (!el) return;
  const basemap = window.quartiersBasemap;
  const colours = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"];
  const BLANK = "#bbbbbb";
  const COMMUNES_FROM = 8; // zoom from which commune outlines and every commune name show
  const MAX_DEPARTEMENTS_LOADED = 6; // at most that many départements' communes fetched per move
  const map = new maplibregl.Map(basemap.options(el, { bounds: [[-5.2, 41.3], [9.6, 51.1]] }));
  map.addControl(new maplibregl.NavigationControl(), "top-right");
  window.quartiersMap = map; // for the browser tests and for debugging from the console
  const insets = []; // the overseas maps, coloured like the main one
  window.quartiersInsets = insets;
  const select = document.getElementById("indicator");
  let shown = null; // { collection, points, cuts, option, vintage } of the selected indicator

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
    return ["case", ["==", ["get", "valeur"], null], BLANK, expression];
  }

  function legend() {
    const option = shown.option;
    const decimals = Number(option.dataset.decimals);
    const fmt = (v) => basemap.formatValue(v, decimals, "");
    const cuts = shown.cuts;
    const labels = [`< ${fmt(cuts[0])}`, ...cuts.slice(0, -1).map((c, i) => `${fmt(c)} – ${fmt(cuts[i + 1])}`), `≥ ${fmt(cuts[cuts.length - 1])}`];
    const unit = option.dataset.unit ? `, en ${option.dataset.unit}` : "";
    document.getElementById("legend").innerHTML = labels.map((l, i) => `<span style="--c:${colours[i]}">${l}</span>`).join("") +
      `<span style="--c:${BLANK}">non publié</span> <em>${basemap.escapeHtml(`${option.textContent}${unit} — ${shown.vintage}`)} — quintiles des QPV</em>`;
  }

  // The hover text: « Maurepas (QN03504M) — 5 012 habitants », the indicator's unit and decimals.
  function describe(p) {
    const option = shown.option;
    const value = basemap.formatValue(p.valeur, Number(option.dataset.decimals), option.dataset.unit);
    const html = basemap.escapeHtml;
    const remark = p.remarque && p.remarque !== "null" ? `<br><em>${html(p.remarque)}</em>` : "";
    return `<strong>${html(p.nom)}</strong> (${html(p.code)}) — ${html(value)}<br><small>${html(option.textContent)}</small>${remark}`;
  }

  // QPV of one map: dots below `dotsBelow`, perimeters above; hover names them, click opens them.
  function addQpv(target, collection, points, dotsBelow) {
    target.addSource("qpv", { type: "geojson", data: collection });
    target.addSource("qpv-points", { type: "geojson", data: points });
    target.addLayer({ id: "qpv-fill", type: "fill", source: "qpv", minzoom: dotsBelow, paint: { "fill-opacity": 0.85 } });
    target.addLayer({ id: "qpv-line", type: "line", source: "qpv", minzoom: dotsBelow, paint: { "line-color": "#6b0c10", "line-width": 0.8 } });
    target.addLayer({ id: "qpv-points", type: "circle", source: "qpv-points", maxzoom: dotsBelow,
      paint: { "circle-radius": ["interpolate", ["linear"], ["zoom"], 4, 2.5, 8, 6], "circle-stroke-color": "#6b0c10", "circle-stroke-width": 0.5 } });
    const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false });
    for (const layer of ["qpv-fill", "qpv-points"]) {
      target.on("click", layer, (e) => { window.location.href = `/territoires/qpv/${e.features[0].properties.code}/`; });
      target.on("mousemove", layer, (e) => {
        target.getCanvas().style.cursor = "pointer";
        popup.setLngLat(e.lngLat).setHTML(describe(e.features[0].properties)).addTo(target);
      });
      target.on("mouseleave", layer, () => { target.getCanvas().style.cursor = ""; popup.remove(); });
    }
  }

  function paint(target) {
    target.setPaintProperty("qpv-fill", "fill-color", colourExpression(shown.cuts));
    target.setPaintProperty("qpv-points", "circle-color", colourExpression(shown.cuts));
  }

  function inside(extent) {
    const [xmin, ymin, xmax, ymax] = extent;
    const within = (f) => { const [x, y] = f.geometry.coordinates; return x >= xmin && x <= xmax && y >= ymin && y <= ymax; };
    const points = shown.points.features.filter(within);
    const codes = new Set(points.map((f) => f.properties.code));
    return [{ type: "FeatureCollection", features: shown.collection.features.filter((f) => codes.has(f.properties.code)) },
      { type: "FeatureCollection", features: points }];
  }

  async function load() {
    const option = select.options[select.selectedIndex];
    const [collection, indicator] = await Promise.all([basemap.json(`${el.dataset.layer}?indicateur=${option.value}`),
      basemap.json(option.dataset.api)]);
    const vintage = indicator.distribution ? indicator.distribution.millesime : "millésime non précisé";
    shown = { collection, points: centroids(collection), cuts: breaks(collection), option, vintage };
    if (map.getSource("qpv")) {
      map.getSource("qpv").setData(collection);
      map.getSource("qpv-points").setData(shown.points);
    } else {
      addQpv(map, collection, shown.points, COMMUNES_FROM);
    }
    paint(map);
    for (const inset of insets) {
      const [polygons, points] = inside(inset.extent);
      inset.map.getSource("qpv").setData(polygons);
      inset.map.getSource("qpv-points").setData(points);
      paint(inset.map);
    }
    legend();
    el.dataset.loaded = String(collection.features.length);
  }

  // Communes of the départements in view, fetched once each, from zoom COMMUNES_FROM on.
  const departements = []; // [code, [xmin, ymin, xmax, ymax]]
  const loaded = new Map(); // code → promise of [outlines, places]
  function extent(geometry) {
    const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    const xs = [], ys = [];
    polygons.forEach((p) => p[0].forEach(([x, y]) => { xs.push(x); ys.push(y); }));
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  }
  async function communesInView() {
    if (map.getZoom() < COMMUNES_FROM) return;
    const view = map.getBounds();
    const wanted = departements.filter(([code, [xmin, ymin, xmax, ymax]]) => !loaded.has(code)
      && xmin <= view.getEast() && xmax >= view.getWest() && ymin <= view.getNorth() && ymax >= view.getSouth())
      .slice(0, MAX_DEPARTEMENTS_LOADED);
    if (!wanted.length) return;
    for (const [code] of wanted) {
      const dans = `dans=departement:${code}`;
      loaded.set(code, Promise.all([basemap.json(`${el.dataset.communes}?${dans}`), basemap.json(`${el.dataset.places}?${dans}`)]));
    }
    const all = await Promise.all(loaded.values());
    const merged = (i) => ({ type: "FeatureCollection", features: all.flatMap((pair) => pair[i].features) });
    map.getSource("communes").setData(merged(0));
    map.getSource("places-local").setData(merged(1));
    el.dataset.departementsLoaded = String(loaded.size);
  }

  async function addInsets() {
    const list = document.getElementById("insets");
    const { resultats } = await basemap.json(list.dataset.source);
    await Promise.all(resultats.map((territory) => new Promise((resolve) => {
      const item = document.createElement("li");
      const box = document.createElement("div");
      box.className = "inset-map";
      box.dataset.code = territory.code;
      box.setAttribute("role", "img");
      box.setAttribute("aria-label", `Encart : ${territory.nom}, ${territory.qpv} QPV`);
      const caption = document.createElement("span");
      caption.textContent = `${territory.nom} · ${territory.qpv} QPV`;
      item.append(box, caption);
      list.append(item);
      const [xmin, ymin, xmax, ymax] = territory.emprise;
      const pad = Math.max(xmax - xmin, ymax - ymin) * 0.15 + 0.02;
      const bounds = [xmin - pad, ymin - pad, xmax + pad, ymax + pad];
      const inset = new maplibregl.Map(basemap.options(el, { container: box, bounds, interactive: false, cooperativeGestures: false,
        attributionControl: false }));
      inset.on("load", async () => {
        basemap.addArea(inset, el, "communes", await basemap.json(`${el.dataset.communes}?dans=departement:${territory.code}`));
        const [polygons, points] = inside(bounds);
        addQpv(inset, polygons, points, 11);
        paint(inset);
        insets.push({ map: inset, extent: bounds });
        box.dataset.loaded = String(points.features.length);
        resolve();
      });
    })));
    list.dataset.loaded = String(resultats.length);
  }

  map.on("load", async () => {
    const [outline, places] = await Promise.all([basemap.json(el.dataset.outline), basemap.json(el.dataset.places)]);
    outline.features.filter((f) => f.geometry).forEach((f) => departements.push([f.properties.code, extent(f.geometry)]));
    basemap.addArea(map, el, "departements", outline);
    basemap.addArea(map, el, "communes", { type: "FeatureCollection", features: [] },
      { line: "#c3ccd6", width: 0.5, minzoom: COMMUNES_FROM, fill: false });
    await load();
    basemap.addPlaces(map, el, "places", places, { maxzoom: COMMUNES_FROM });
    basemap.addPlaces(map, el, "places-local", { type: "FeatureCollection", features: [] }, { minzoom: COMMUNES_FROM });
    map.on("moveend", communesInView);
    await addInsets();
  });
  select.addEventListener("change", load);
})();
