// What every ModelSpec webview (training panel, tune view, graph view, data preview) is set up
// with on the host side: scripts on, resources only from media/dist, and the URIs of its bundle
// (media/dist/<bundle>.js and .css, see scripts/build.mjs) with a fresh nonce for each load.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { PanelHtmlOptions } from '../../media/panel/src/html';

/** The webview's options; `retainContextWhenHidden` keeps a hidden view's script running. */
export function webviewOptions(
  extensionUri: vscode.Uri,
  retainContextWhenHidden = false,
): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media', 'dist')],
  };
}

/** A new webview panel beside the active editor, keeping the focus there. */
export function createWebviewBeside(
  viewType: string,
  title: string,
  extensionUri: vscode.Uri,
  retainContextWhenHidden = false,
): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(
    viewType,
    title,
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
    webviewOptions(extensionUri, retainContextWhenHidden),
  );
}

/** The options of the page html.ts builds for the bundle named `bundle`, titled `title`. */
export function webviewPage(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  bundle: 'panel' | 'graph' | 'preview',
  title: string,
): PanelHtmlOptions {
  const media = vscode.Uri.joinPath(extensionUri, 'media', 'dist');
  return {
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, `${bundle}.js`)).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, `${bundle}.css`)).toString(),
    nonce: randomBytes(16).toString('base64'),
    cspSource: webview.cspSource,
    title,
  };
}
