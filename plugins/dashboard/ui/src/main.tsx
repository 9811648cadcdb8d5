import { render } from 'preact';
import './styles/app.css';
import './theme/theme.js';
import { App } from './shell/app.js';
import { registerServiceWorker } from './shell/register-sw.js';

const root = document.getElementById('app');
if (root) render(<App />, root);
registerServiceWorker();
