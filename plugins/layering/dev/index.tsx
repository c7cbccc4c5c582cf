/*
 * Development app: `yarn start` in this folder serves the layering plugin
 * with the catalog (fleet page at /layering, cards and tab on pool and
 * cluster entity pages) against the backend of the repository's
 * app-config.yaml (`backend.baseUrl`), through the real client. Start the
 * backend and the embedded clusters first (`npm start` at the repository
 * root does both).
 *
 * `@backstage/frontend-dev-utils` is not used: its current release is built
 * on the previous frontend framework line, and mixing lines is not allowed.
 */
import '@backstage/cli/asset-types';
import ReactDOM from 'react-dom/client';
import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
// The dev app is an app, and apps load the Backstage UI stylesheet once.
// eslint-disable-next-line @backstage/no-ui-css-imports-in-non-frontend
import '@backstage/ui/css/styles.css';
import layeringPlugin from '../src';

const app = createApp({ features: [catalogPlugin, layeringPlugin] });

ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());
