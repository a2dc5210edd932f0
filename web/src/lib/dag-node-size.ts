// Apart from the layout code, so drawing a laid-out graph does not pull dagre into the first download.
export const NODE_WIDTH = 168;
export const NODE_HEIGHT = 40;
