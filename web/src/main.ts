// Entry point of the Monitor dashboard.
import './styles.css';
import { App } from './views/app.js';

const root = document.getElementById('app');
if (root) void new App(root).start();
