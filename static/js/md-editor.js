// md-editor.js - the Markdown toolbar and live preview of the staff content editor (issue 6 item 5; G05).
// Without JavaScript the form still works: the toolbar stays hidden and the 「プレビュー」 button shows the
// server-rendered preview. With it, each textarea[data-md-source] gets its toolbar buttons (見出し, 太字, リンク,
// 箇条書き, 番号付き, 引用; 画像 unless the media library's picker handles it) and a preview that is rendered
// by the server (POST /staff/preview/markdown, the renderer of the public pages) a moment after typing stops,
// into an aria-live="polite" region.
(function () {
  'use strict';
  var DELAY_MS = 400;

  function csrf(form) {
    var el = form && form.querySelector('input[name="csrf_token"]');
    return el ? el.value : '';
  }

  function replaceSelection(ta, before, after, placeholder) {
    var start = ta.selectionStart, end = ta.selectionEnd, v = ta.value;
    var sel = v.slice(start, end) || placeholder;
    ta.value = v.slice(0, start) + before + sel + after + v.slice(end);
    ta.focus();
    ta.setSelectionRange(start + before.length, start + before.length + sel.length);
    ta.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function prefixLines(ta, prefixFor) {
    var v = ta.value, start = ta.selectionStart, end = ta.selectionEnd;
    var lineStart = v.lastIndexOf('\n', start - 1) + 1;
    var lineEnd = v.indexOf('\n', end);
    if (lineEnd < 0) lineEnd = v.length;
    var lines = v.slice(lineStart, lineEnd).split('\n');
    var out = lines.map(function (l, i) { return prefixFor(i) + l; }).join('\n');
    ta.value = v.slice(0, lineStart) + out + v.slice(lineEnd);
    ta.focus();
    ta.setSelectionRange(lineStart, lineStart + out.length);
    ta.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function urlPart(url) {
    return url.replace(/[()\s<>]/g, function (c) { return '%' + ('0' + c.charCodeAt(0).toString(16).toUpperCase()).slice(-2); });
  }

  var actions = {
    heading: function (ta) { prefixLines(ta, function () { return '## '; }); },
    bold: function (ta) { replaceSelection(ta, '**', '**', '太字にする文字'); },
    link: function (ta) {
      var url = window.prompt('リンク先のURL（https://…）', 'https://');
      if (url === null) { ta.focus(); return; }
      replaceSelection(ta, '[', '](' + urlPart(url) + ')', 'リンクの文字');
    },
    ul: function (ta) { prefixLines(ta, function () { return '- '; }); },
    ol: function (ta) { prefixLines(ta, function (i) { return (i + 1) + '. '; }); },
    quote: function (ta) { prefixLines(ta, function () { return '> '; }); },
    image: function (ta) {
      var url = window.prompt('画像のURL（メディアライブラリの画像のアドレス）', '');
      if (url === null || url === '') { ta.focus(); return; }
      replaceSelection(ta, '![', '](' + urlPart(url) + ')', '代替テキスト');
    },
  };

  function setupPreview(ta) {
    var target = document.getElementById(ta.getAttribute('data-md-preview'));
    if (!target) return;
    var box = target.closest('[data-md-preview-box]');
    var timer = null, seq = 0;
    function render() {
      var mine = ++seq;
      var body = new URLSearchParams();
      body.set('csrf_token', csrf(ta.form));
      body.set('text', ta.value);
      fetch('/staff/preview/markdown', {
        method: 'POST', credentials: 'same-origin', body: body,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      }).then(function (res) {
        if (!res.ok) throw new Error(String(res.status));
        return res.text();
      }).then(function (html) {
        if (mine !== seq) return; // a later request is on its way
        target.innerHTML = html; // rendered by the server with libcmark in safe mode
      }).catch(function () {
        if (mine === seq) target.textContent = 'プレビューを表示できませんでした。「プレビュー」ボタンで確認できます。';
      });
    }
    if (box) box.hidden = false;
    ta.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(render, DELAY_MS);
    });
    render();
  }

  // the media library's picker (media-picker.js) takes the 画像 buttons when the page loads it
  var picker = document.querySelector('script[src*="media-picker"]') !== null;
  document.querySelectorAll('[data-md-toolbar]').forEach(function (bar) {
    bar.hidden = false;
    bar.querySelectorAll('button').forEach(function (b) {
      var name = b.hasAttribute('data-md-image') ? 'image' : b.getAttribute('data-md');
      if (name === 'image' && picker) return;
      b.addEventListener('click', function () {
        var ta = document.getElementById(b.getAttribute('aria-controls'));
        if (ta && actions[name]) actions[name](ta);
      });
    });
  });
  document.querySelectorAll('textarea[data-md-source]').forEach(setupPreview);
})();
