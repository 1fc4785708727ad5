/**
 * Entry point. The compiler worker and the first state start at once (boot.ts); the editor and
 * the rest of the page (app.ts, mostly Monaco) load in a second chunk, which lets the browser
 * begin fetching the worker before it spends a while evaluating Monaco.
 */
import './style.css';
import './boot.js';

void import('./app.js');
