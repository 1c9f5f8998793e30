// Downloads of the dashboard: text files (CSV) made on the server and charts drawn by Plotly, saved by the browser.
// A file, not inline script, so the Content-Security-Policy (script-src 'self') allows it.
window.thresholdDownloads = {
    // Saves text as a file through a temporary object URL (no data: URL length limit).
    saveText: function (fileName, contentType, text) {
        const url = URL.createObjectURL(new Blob([text], { type: contentType }));
        const link = document.createElement('a');
        link.href = url;
        link.download = fileName;
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    },
    // Saves a Plotly chart as PNG or SVG as it is drawn, with its label annotation; false when the chart is not drawn.
    saveChart: function (chartId, format, fileName) {
        const chart = document.getElementById(chartId);
        if (!chart || !window.Plotly || !chart.data) {
            return false;
        }
        window.Plotly.downloadImage(chart, { format: format, filename: fileName, width: chart.offsetWidth || 1200, height: chart.offsetHeight || 500 });
        return true;
    }
};

// Links marked data-fetch-download="ID" (the Audit page's export): fetched here, so an error from the API is shown in
// words in the element ID instead of a raw JSON page, and a good answer is saved under the link's download name.
// Without script the link still downloads, as a plain link.
(function () {
    'use strict';

    function say(target, text) {
        if (target) {
            target.textContent = text;
            target.hidden = text === '';
        }
    }

    async function problemText(response) {
        var text = await response.text();
        try {
            var problem = JSON.parse(text);
            var words = [problem.title, problem.detail].filter(function (w) { return w; }).join(': ');
            if (words) {
                return words;
            }
        } catch (e) {
            // Not a problem document: the status says enough.
        }
        return response.statusText || 'the server refused it';
    }

    document.addEventListener('click', async function (e) {
        var link = e.target && e.target.closest ? e.target.closest('a[data-fetch-download]') : null;
        if (!link || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) {
            return;
        }

        e.preventDefault();
        e.stopPropagation();
        var target = document.getElementById(link.getAttribute('data-fetch-download'));
        say(target, '');
        link.setAttribute('aria-busy', 'true');
        try {
            var response = await fetch(link.href, { credentials: 'same-origin', headers: { Accept: 'application/x-ndjson, application/problem+json' } });
            if (!response.ok) {
                say(target, 'The download did not work (HTTP ' + response.status + '): ' + await problemText(response));
                return;
            }

            window.thresholdDownloads.saveText(link.getAttribute('download') || 'download', response.headers.get('Content-Type') || 'application/octet-stream', await response.text());
        } catch (error) {
            say(target, 'The download did not work: the server could not be reached (' + error.message + '). Try again.');
        } finally {
            link.removeAttribute('aria-busy');
        }
    }, true);
})();

