// An app as its image ships it, for benchmarks that measure what users run: e2e/images' one-module bundle (built
// from the sources, minified as the image's is) laid out as in the image under a scratch root — /app/dist/main.js,
// /app/package.json (an ES module), the package's files under /app and the dependencies' files at their targets,
// which the bundle finds relative to itself. Used by idle-rss.ts and extender-scale.ts (issue #19).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleApp } from '../images/build.js';
import { APP_IMAGES } from '../images/catalog.js';

/** Bundles the app of packages/<packageDir> into `root` as its image holds it; returns the bundle's path. */
export async function layOutImageBundle(repoRoot: string, packageDir: string, root: string): Promise<string> {
  const app = APP_IMAGES.find((image) => image.packageDir === packageDir);
  if (app === undefined) throw new Error(`no image in e2e/images/catalog.ts for packages/${packageDir}`);
  const text = await bundleApp({ repoRoot }, app, join(root, '.tsup-out'));
  mkdirSync(join(root, 'app', 'dist'), { recursive: true });
  writeFileSync(join(root, 'app', 'package.json'), `${JSON.stringify({ type: 'module', private: true })}\n`);
  const bundle = join(root, 'app', 'dist', 'main.js');
  // The image runs Node by its path through the first line; here the benchmark starts Node itself.
  writeFileSync(bundle, text.replace(/^#!.*\n/, ''));
  for (const file of app.packageFiles) {
    mkdirSync(join(root, 'app', dirname(file)), { recursive: true });
    copyFileSync(join(repoRoot, 'packages', app.packageDir, file), join(root, 'app', file));
  }
  for (const file of app.dependencyFiles) {
    mkdirSync(join(root, dirname(file.target.slice(1))), { recursive: true });
    copyFileSync(join(repoRoot, 'node_modules', file.source), join(root, file.target.slice(1)));
  }
  return bundle;
}
