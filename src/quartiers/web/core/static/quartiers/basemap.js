// Basemap shared by the maps, drawn from the bundled data: no request leaves the platform.
//
// Place names need glyphs, and none are bundled or fetched: the style names no "glyphs" URL,
// and MapLibre (≥ 5) then draws every glyph itself from the browser's own sans-serif font
// (TinySDF, the path it otherwise keeps for CJK), Latin and accents included. Bundled glyph
// PBF ranges would add files and a font licence for labels no better than the system font.
//
// Optional online raster basemap: when QUARTIERS_FOND_DE_CARTE is set (a tile URL template
// with {z}/{x}/{y}, e.g. an OpenStreetMap-based service you are allowed to use, and
// QUARTIERS_FOND_DE_CARTE_ATTRIBUTION its credit), the maps draw it under the data layers with
// its attribution, and the offline land fill and place names give way to it. Off by default.
// Defined before MapLibre loads (a profile page includes it in its map section): nothing here
// touches `maplibregl` until a map is made.
window.quartiersBasemap = (function () {
  const SEA = "#eef2f5", LAND = "#ffffff", TEXT = "#1d2733", MUTED = "#52606d";
  const ATTRIBUTION = "ANCT, INSEE, IGN — Licence Ouverte";
  // Font stacks become a CSS font list for the canvas, followed by sans-serif: these names
  // match no font, so the browser's sans-serif draws them, the weight read from the name
  // ("sans-serif bold" would be invalid CSS, and the canvas would fall back to 10 px).
  const REGULAR = ["Sans Regular"], BOLD = ["Sans Bold"];
  const UNITLESS = ["", "ratio", "indice"]; // as the server's format_number: not printed
  const LOCALE = {
    "AttributionControl.ToggleAttribution": "Afficher ou masquer les crédits",
    "CooperativeGesturesHandler.WindowsHelpText": "Ctrl + molette pour zoomer la carte",
    "CooperativeGesturesHandler.MacHelpText": "⌘ + molette pour zoomer la carte",
    "CooperativeGesturesHandler.MobileHelpText": "Deux doigts pour déplacer la carte",
    "Map.Title": "Carte",
    "NavigationControl.ResetBearing": "Revenir au nord",
    "NavigationControl.ZoomIn": "Zoomer",
    "NavigationControl.ZoomOut": "Dézoomer",
    "Popup.Close": "Fermer",
  };

  function online(el) {
    return Boolean(el.dataset.tiles);
  }

  function style(el) {
    const style = { version: 8, sources: {}, layers: [{ id: "bg", type: "background", paint: { "background-color": SEA } }] };
    if (online(el)) {
      style.sources.raster = { type: "raster", tiles: [el.dataset.tiles], tileSize: 256, attribution: el.dataset.tilesAttribution || "" };
      style.layers.push({ id: "raster", type: "raster", source: "raster" });
    }
    return style;
  }

  // Options of a map in a page: French controls, and one finger scrolls the page on a phone.
  function options(el, extra) {
    return { container: el, style: style(el), locale: LOCALE, cooperativeGestures: true,
      attributionControl: { customAttribution: ATTRIBUTION }, ...extra };
  }

  async function json(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url} : ${response.status}`);
    return response.json();
  }

  // Outlines (départements, communes): land filled white unless a raster basemap shows it.
  function addArea(map, el, id, data, { line = "#9aa7b4", width = 0.6, minzoom = 0, fill = true } = {}) {
    map.addSource(id, { type: "geojson", data });
    if (fill && !online(el)) map.addLayer({ id: `${id}-fill`, type: "fill", source: id, minzoom, paint: { "fill-color": LAND } });
    map.addLayer({ id: `${id}-line`, type: "line", source: id, minzoom, paint: { "line-color": line, "line-width": width } });
  }

  // Place names over the data: département names at national zooms, then communes, the most
  // populous first (sort key) and the smaller ones only as one zooms in.
  function addPlaces(map, el, id, data, { minzoom = 0, maxzoom = 24 } = {}) {
    map.addSource(id, { type: "geojson", data });
    if (online(el)) return; // the raster basemap names places itself
    const halo = { "text-halo-color": "rgba(255,255,255,0.9)", "text-halo-width": 1.4 };
    map.addLayer({ id: `${id}-departements`, type: "symbol", source: id, minzoom: Math.max(minzoom, 5.5), maxzoom: Math.min(maxzoom, 8),
      filter: ["==", ["get", "niveau"], "departement"],
      layout: { "text-field": ["get", "nom"], "text-font": REGULAR, "text-size": 10, "text-transform": "uppercase",
        "text-letter-spacing": 0.05, "text-max-width": 8 },
      paint: { "text-color": MUTED, ...halo } });
    map.addLayer({ id: `${id}-communes`, type: "symbol", source: id, minzoom, maxzoom,
      filter: ["all", ["==", ["get", "niveau"], "commune"],
        [">=", ["get", "population"], ["step", ["zoom"], 200000, 6, 80000, 7, 30000, 9, 8000, 10, 2000, 11, 0]]],
      layout: { "text-field": ["get", "nom"], "text-font": BOLD, "symbol-sort-key": ["-", 0, ["get", "population"]],
        "text-size": ["case", [">=", ["get", "population"], 100000], 13, 11], "text-max-width": 8, "text-padding": 4 },
      paint: { "text-color": TEXT, ...halo } });
  }

  // « 5 012 habitants », « 35,2 % », « 1,25 » (ratio): the indicator's decimals, French format.
  function formatValue(value, decimals, unit) {
    if (value === null || value === undefined || value === "null") return "non publié";
    const text = Number(value).toLocaleString("fr-FR", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    return UNITLESS.includes(unit) ? text : `${text}\u00a0${unit}`;
  }

  // Text from the data, made safe to put in HTML (popups, legends).
  function escapeHtml(text) {
    return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  return { online, style, options, json, addArea, addPlaces, formatValue, escapeHtml };
})();
