/* video.js - a company video's player is loaded only when the visitor asks for it (issue 4 item 4).
 * Until the click no request goes to the video site; the link alone opens the video without JavaScript. */
(function () {
  'use strict';
  document.addEventListener('click', function (e) {
    var a = e.target.closest ? e.target.closest('a[data-embed]') : null;
    if (!a || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    var f = document.createElement('iframe');
    f.src = a.getAttribute('data-embed');
    f.title = a.getAttribute('data-title') || '動画';
    f.className = 'video-frame';
    f.setAttribute('allow', 'autoplay; encrypted-media; picture-in-picture; fullscreen');
    f.setAttribute('allowfullscreen', '');
    f.setAttribute('referrerpolicy', 'strict-origin-when-cross-origin');
    a.parentNode.replaceChild(f, a);
    f.focus();
  });
})();
