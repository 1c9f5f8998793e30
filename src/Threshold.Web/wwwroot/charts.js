// Draws the dashboard's Plotly charts (Components/PlotChart.razor). A module, imported only by a page that has a
// chart, so the other pages never fetch Plotly. Plotly's bundle (lib/plotly-threshold.min.js, built by
// tools/plotly-bundle: core with scatter and bar, compiled by the browser while it downloads) is fetched once, when
// the first chart asks, which is after the pre-rendered page was painted and its live connection opened.
let loading = null;

function loadPlotly(src) {
    if (window.Plotly) {
        return Promise.resolve(window.Plotly);
    }

    loading ??= new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = src;
        script.async = true;
        script.onload = () => resolve(window.Plotly);
        script.onerror = () => {
            loading = null;
            script.remove();
            reject(new Error(`Plotly's bundle ${src} could not be loaded`));
        };
        document.head.appendChild(script);
    });
    return loading;
}

// A fresh task: the bundle's evaluation and each chart's drawing run as separate tasks, never one long one.
const nextTask = () => new Promise(resolve => setTimeout(resolve, 0));

// Draws (or redraws) a chart in the element; clicks, when asked for, are reported as [trace, point] pairs to the
// component's OnPointsClicked. False when the element left the page before Plotly arrived.
export async function draw(src, element, data, layout, config, clicks) {
    const plotly = await loadPlotly(src);
    await nextTask();
    if (!element || !element.isConnected) {
        return false;
    }

    await plotly.react(element, data, layout, config);
    if (clicks && !element.thresholdClicks) {
        element.thresholdClicks = true;
        element.on('plotly_click', e => clicks.invokeMethodAsync('OnPointsClicked', (e.points || []).map(p => [p.curveNumber, p.pointNumber])));
    }

    return true;
}

// Frees the chart's listeners and data when its component goes.
export function purge(element) {
    if (window.Plotly && element) {
        window.Plotly.purge(element);
    }
}
