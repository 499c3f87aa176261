// A video's player is loaded from its host only when the visitor presses « Afficher la vidéo »:
// until then no request leaves for YouTube, Vimeo… (without script, the link to its page stays).
document.querySelectorAll("[data-video-player]").forEach((box) => {
  const button = box.querySelector("button");
  button.hidden = false;
  button.addEventListener("click", () => {
    const player = document.createElement("iframe");
    player.src = box.dataset.videoPlayer;
    player.title = `Vidéo : ${box.dataset.videoTitle}`;
    player.allow = "fullscreen; picture-in-picture";
    player.allowFullscreen = true;
    button.replaceWith(player);
    player.focus();
  });
});
