/* media-picker.js - the editor's image picker (issue 6 item 5; G05, G40-G44). Every
 *   <button type="button" data-md-image aria-controls="TEXTAREA-ID" hidden>画像</button>
 * is shown and opens a modal <dialog> (labelled, focus moved in, Escape closes, focus given back) listing the
 * media library (/staff/media.json: search, pages) with an upload field. Choosing an image inserts
 * ![alt](/media/<key>-<width>.jpg) at the cursor of the textarea and fires an input event, so a live preview
 * follows. Without JavaScript the button stays hidden; pages link to /staff/media instead.
 * Everything shown is set with textContent or attributes: nothing from the server becomes HTML. */
(function () {
  'use strict';
  var buttons = document.querySelectorAll('button[data-md-image]');
  if (!buttons.length || typeof HTMLDialogElement === 'undefined') return;

  var dialog, list, status, search, pageInfo, prevBtn, nextBtn, fileInput, altInput, uploadBtn, uploadStatus;
  var opener = null, target = null, inserted = false, caret = 0, page = 1, pages = 1, query = '', seq = 0;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }

  function csrf() {
    var i = (target && target.form && target.form.querySelector('input[name="csrf_token"]')) ||
      document.querySelector('input[name="csrf_token"]');
    return i ? i.value : '';
  }

  /* Markdown's own characters in an alt text would end or change the image syntax */
  function mdAlt(s) {
    return String(s || '').replace(/[\r\n\t]+/g, ' ').replace(/([\\[\]])/g, '\\$1');
  }

  function insert(text) {
    var ta = target, v = ta.value, start = ta.selectionStart, end = ta.selectionEnd;
    if (typeof start !== 'number') { start = end = v.length; }
    /* an image on a line of its own */
    var before = start > 0 && v.charAt(start - 1) !== '\n' ? '\n' : '';
    var after = end < v.length && v.charAt(end) !== '\n' ? '\n' : '';
    text = before + text + after;
    ta.setRangeText(text, start, end, 'end');
    caret = start + text.length;
    ta.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function choose(item, alt) {
    insert('![' + mdAlt(alt || item.alt) + '](' + item.src + ')');
    inserted = true;
    dialog.close();
  }

  function render(j) {
    page = j.page;
    pages = j.pages;
    list.replaceChildren();
    j.items.forEach(function (it) {
      var li = el('li'), b = el('button', { type: 'button' });
      b.appendChild(el('img', { src: it.thumb, alt: '', width: String(it.thumb_width), height: String(it.thumb_height), loading: 'lazy' }));
      b.appendChild(el('span', {}, it.alt || ('（代替テキストなし）' + (it.label || it.name || ''))));
      b.addEventListener('click', function () { choose(it); });
      li.appendChild(b);
      list.appendChild(li);
    });
    status.textContent = j.total ? j.total + '件の画像（' + page + '／' + pages + 'ページ）' : '該当する画像はありません。';
    pageInfo.textContent = page + '／' + pages + 'ページ';
    prevBtn.disabled = page <= 1;
    nextBtn.disabled = page >= pages;
  }

  function load(p) {
    var mine = ++seq;
    status.textContent = '読み込んでいます…';
    fetch('/staff/media.json?q=' + encodeURIComponent(query) + '&page=' + p,
      { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
      .then(function (res) {
        if (mine !== seq) return;
        if (!res.ok) { status.textContent = res.j.error || '画像の一覧を読み込めませんでした。'; return; }
        render(res.j);
      })
      .catch(function () { if (mine === seq) status.textContent = '画像の一覧を読み込めませんでした。'; });
  }

  function upload(e) {
    e.preventDefault();
    if (!fileInput.files.length) { uploadStatus.textContent = '画像ファイルを選んでください。'; fileInput.focus(); return; }
    if (!altInput.value.replace(/[\s\u3000]+/g, '')) {
      uploadStatus.textContent = '代替テキストを入力してください。';
      altInput.focus();
      return;
    }
    var fd = new FormData();
    fd.append('csrf_token', csrf());
    fd.append('alt', altInput.value);
    fd.append('file', fileInput.files[0]);
    uploadBtn.disabled = true;
    uploadStatus.textContent = '登録しています…';
    fetch('/staff/media', { method: 'POST', body: fd, credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.text().then(function (t) { return { ok: r.ok, status: r.status, t: t }; }); })
      .then(function (res) {
        var j = null;
        try { j = JSON.parse(res.t); } catch (err) { j = null; }
        if (!res.ok || !j || !j.items || !j.items.length) {
          uploadStatus.textContent = (j && j.error) ||
            (res.status === 413 ? 'ファイルが大きすぎます。' : '画像を登録できませんでした。ページを開き直してからお試しください。');
          return;
        }
        fileInput.value = '';
        uploadStatus.textContent = '';
        choose(j.items[0], j.items[0].alt || altInput.value);
      })
      .catch(function () { uploadStatus.textContent = '画像を登録できませんでした。通信状態をご確認ください。'; })
      .then(function () { uploadBtn.disabled = false; });
  }

  function build() {
    dialog = el('dialog', { class: 'media-picker', 'aria-labelledby': 'media-picker-title' });
    var head = el('div', { class: 'media-picker-head' });
    head.appendChild(el('h2', { id: 'media-picker-title' }, '画像を選ぶ'));
    var close = el('button', { type: 'button', class: 'button button-secondary' }, '閉じる');
    close.addEventListener('click', function () { dialog.close(); });
    head.appendChild(close);
    dialog.appendChild(head);

    var sf = el('form', { class: 'media-picker-search', role: 'search', 'aria-label': '画像の検索' });
    sf.appendChild(el('label', { for: 'media-picker-q' }, '代替テキスト・メモ・ファイル名で検索'));
    search = el('input', { id: 'media-picker-q', type: 'search', maxlength: '100' });
    sf.appendChild(search);
    sf.appendChild(el('button', { type: 'submit', class: 'button' }, '検索'));
    sf.addEventListener('submit', function (e) { e.preventDefault(); query = search.value; load(1); });
    dialog.appendChild(sf);

    status = el('p', { role: 'status', class: 'media-picker-status' });
    dialog.appendChild(status);
    list = el('ul', { class: 'media-picker-list', 'aria-label': 'ライブラリの画像（選ぶと本文に挿入します）' });
    dialog.appendChild(list);

    var nav = el('div', { class: 'media-picker-nav' });
    prevBtn = el('button', { type: 'button', class: 'button button-secondary' }, '前のページ');
    nextBtn = el('button', { type: 'button', class: 'button button-secondary' }, '次のページ');
    pageInfo = el('span', {});
    prevBtn.addEventListener('click', function () { if (page > 1) load(page - 1); });
    nextBtn.addEventListener('click', function () { if (page < pages) load(page + 1); });
    nav.appendChild(prevBtn);
    nav.appendChild(pageInfo);
    nav.appendChild(nextBtn);
    dialog.appendChild(nav);

    var uf = el('form', { class: 'media-picker-upload', 'aria-labelledby': 'media-picker-up' });
    uf.appendChild(el('h3', { id: 'media-picker-up' }, '新しい画像を登録して挿入する'));
    var f1 = el('div', { class: 'field' });
    f1.appendChild(el('label', { for: 'media-picker-file' }, '画像ファイル（JPEG・PNG・WebP・GIF、10MBまで）'));
    fileInput = el('input', { id: 'media-picker-file', type: 'file', accept: 'image/jpeg,image/png,image/webp,image/gif' });
    f1.appendChild(fileInput);
    uf.appendChild(f1);
    var f2 = el('div', { class: 'field' });
    f2.appendChild(el('label', { for: 'media-picker-alt' }, '代替テキスト（必須）'));
    altInput = el('input', { id: 'media-picker-alt', type: 'text', maxlength: '200', autocomplete: 'off' });
    f2.appendChild(altInput);
    uf.appendChild(f2);
    uploadBtn = el('button', { type: 'submit', class: 'button' }, '登録して挿入');
    uf.appendChild(uploadBtn);
    uploadStatus = el('p', { role: 'status', class: 'media-picker-status' });
    uf.appendChild(uploadStatus);
    uf.addEventListener('submit', upload);
    dialog.appendChild(uf);

    var more = el('p', {});
    more.appendChild(el('a', { href: '/staff/media', target: '_blank', rel: 'noopener' }, '画像ライブラリを別のタブで開く'));
    dialog.appendChild(more);

    /* Escape in a filled search box would only clear it: Escape closes the dialog wherever focus is */
    dialog.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') { e.preventDefault(); dialog.close(); }
    });
    dialog.addEventListener('close', function () {
      if (inserted && target) {
        target.focus();
        target.setSelectionRange(caret, caret);
      } else if (opener) {
        opener.focus();
      }
    });
    document.body.appendChild(dialog);
  }

  function open(btn) {
    target = document.getElementById(btn.getAttribute('aria-controls') || '');
    if (!target || target.tagName !== 'TEXTAREA') return;
    opener = btn;
    inserted = false;
    if (!dialog) build();
    uploadStatus.textContent = '';
    dialog.showModal();
    search.focus();
    load(1);
  }

  Array.prototype.forEach.call(buttons, function (b) {
    b.hidden = false;
    b.setAttribute('aria-haspopup', 'dialog');
    b.addEventListener('click', function () { open(b); });
  });
})();
