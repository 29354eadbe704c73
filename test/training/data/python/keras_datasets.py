# Writes tiny copies of Keras's datasets in their exact published formats, and what Keras's
# load_data() returns for them, for test/training/data/keras-datasets.test.ts. Run by Debian's
# /usr/bin/python3 (numpy). The loading code is keras/src/datasets/{cifar10,imdb}.py's, with
# numpy's pickle/np.load in place of keras's file utilities.
import io, json, os, pickle, sys, tarfile
import numpy as np


class Py2Pickler(pickle._Pickler):
    """Pickles bytes as Python 2 `str` (SHORT_BINSTRING/BINSTRING), as the CIFAR batches were made."""
    dispatch = dict(pickle._Pickler.dispatch)

    def save_py2_str(self, obj):
        n = len(obj)
        self.write(pickle.SHORT_BINSTRING + bytes([n]) + obj if n < 256 else pickle.BINSTRING + n.to_bytes(4, 'little') + obj)
        self.memoize(obj)

    dispatch[bytes] = save_py2_str


def write_cifar(folder, rng):
    os.makedirs(folder, exist_ok=True)
    sizes = {'data_batch_1': 3, 'data_batch_2': 2, 'data_batch_3': 4, 'data_batch_4': 1, 'data_batch_5': 2, 'test_batch': 5}
    for name, n in sizes.items():
        batch = {
            b'batch_label': b'training batch',
            b'labels': [int(v) for v in rng.integers(0, 10, n)],
            b'data': rng.integers(0, 256, (n, 3072), dtype=np.uint8),
            b'filenames': [b'img%d.png' % i for i in range(n)],
        }
        with open(os.path.join(folder, name), 'wb') as f:
            Py2Pickler(f, protocol=2).dump(batch)


def keras_cifar10(folder):
    # keras/src/datasets/cifar10.py + cifar.load_batch, channels_last.
    def load_batch(fpath):
        with open(fpath, 'rb') as f:
            d = pickle.load(f, encoding='bytes')
        d = {k.decode('utf8'): v for k, v in d.items()}
        data = d['data']
        return data.reshape(data.shape[0], 3, 32, 32), d['labels']
    xs, ys = zip(*[load_batch(os.path.join(folder, 'data_batch_%d' % i)) for i in range(1, 6)])
    x_train = np.concatenate(xs).transpose(0, 2, 3, 1)
    y_train = np.concatenate([np.array(y, dtype='uint8') for y in ys]).reshape(-1, 1)
    x_test, y_test = load_batch(os.path.join(folder, 'test_batch'))
    return (x_train, y_train), (x_test.transpose(0, 2, 3, 1), np.array(y_test, dtype='uint8').reshape(-1, 1))


def write_imdb(path, rng):
    def reviews(n):
        seqs = np.empty(n, dtype=object)
        for i in range(n):
            seqs[i] = [int(w) for w in rng.integers(1, 40, int(rng.integers(3, 25)))]
        return seqs
    np.savez(path, x_train=reviews(30), y_train=rng.integers(0, 2, 30), x_test=reviews(20), y_test=rng.integers(0, 2, 20))


def keras_imdb(path, num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2, index_from=3):
    # keras/src/datasets/imdb.py load_data, verbatim but for the file loading.
    with np.load(path, allow_pickle=True) as f:
        x_train, labels_train = f['x_train'], f['y_train']
        x_test, labels_test = f['x_test'], f['y_test']
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x_train))
    rng.shuffle(indices)
    x_train = x_train[indices]
    labels_train = labels_train[indices]
    indices = np.arange(len(x_test))
    rng.shuffle(indices)
    x_test = x_test[indices]
    labels_test = labels_test[indices]
    if start_char is not None:
        x_train = [[start_char] + [w + index_from for w in x] for x in x_train]
        x_test = [[start_char] + [w + index_from for w in x] for x in x_test]
    elif index_from:
        x_train = [[w + index_from for w in x] for x in x_train]
        x_test = [[w + index_from for w in x] for x in x_test]
    else:
        x_train = [[w for w in x] for x in x_train]
        x_test = [[w for w in x] for x in x_test]
    if maxlen:
        def remove_long_seq(maxlen, seq, label):
            new_seq, new_label = [], []
            for x, y in zip(seq, label):
                if len(x) < maxlen:
                    new_seq.append(x)
                    new_label.append(y)
            return new_seq, new_label
        x_train, labels_train = remove_long_seq(maxlen, x_train, labels_train)
        x_test, labels_test = remove_long_seq(maxlen, x_test, labels_test)
    xs = x_train + x_test
    labels = np.concatenate([labels_train, labels_test])
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        xs = [[w if (skip_top <= w < num_words) else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
    idx = len(x_train)
    return (xs[:idx], labels[:idx]), (xs[idx:], labels[idx:])


def pad_sequences(xs, maxlen):
    # keras.utils.pad_sequences defaults: padding='pre', truncating='pre', value=0.
    out = np.zeros((len(xs), maxlen), dtype='int32')
    for i, s in enumerate(xs):
        s = s[-maxlen:]
        out[i, maxlen - len(s):] = s
    return out


if __name__ == '__main__':
    command, root = sys.argv[1], sys.argv[2]
    rng = np.random.default_rng(7)
    if command == 'cifar':
        folder = os.path.join(root, 'cifar-10-batches-py')
        write_cifar(folder, rng)
        (xt, yt), (xs, ys) = keras_cifar10(folder)
        xt.tofile(os.path.join(root, 'x_train.u8')); xs.tofile(os.path.join(root, 'x_test.u8'))
        json.dump({'y_train': yt.ravel().tolist(), 'y_test': ys.ravel().tolist(), 'x_train_shape': xt.shape, 'x_test_shape': xs.shape,
                   'y_train_shape': yt.shape, 'dtype': str(xt.dtype)}, open(os.path.join(root, 'expected.json'), 'w'))
        with tarfile.open(os.path.join(root, 'cifar-10-python.tar.gz'), 'w:gz') as tar:
            tar.add(folder, arcname='cifar-10-batches-py')
    elif command == 'cifar100':
        # cifar-100-python/{train,test}: one pickle each, with fine_labels and coarse_labels.
        folder = os.path.join(root, 'cifar-100-python')
        os.makedirs(folder, exist_ok=True)
        for name, n in {'train': 6, 'test': 3}.items():
            batch = {b'filenames': [b'f%d.png' % i for i in range(n)], b'batch_label': b'training batch 1 of 1',
                     b'fine_labels': [int(v) for v in rng.integers(0, 100, n)], b'coarse_labels': [int(v) for v in rng.integers(0, 20, n)],
                     b'data': rng.integers(0, 256, (n, 3072), dtype=np.uint8)}
            with open(os.path.join(folder, name), 'wb') as f:
                Py2Pickler(f, protocol=2).dump(batch)
        expected = {}
        for mode in ('fine', 'coarse'):
            # keras/src/datasets/cifar100.py: load_batch(label_key=f"{label_mode}_labels"), reshape, transpose.
            for name in ('train', 'test'):
                with open(os.path.join(folder, name), 'rb') as f:
                    d = {k.decode('utf8'): v for k, v in pickle.load(f, encoding='bytes').items()}
                x = d['data'].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
                x.tofile(os.path.join(root, 'x_%s.u8' % name))
                expected['%s_%s' % (mode, name)] = np.reshape(d[mode + '_labels'], (-1, 1)).ravel().tolist()
        json.dump(expected, open(os.path.join(root, 'expected.json'), 'w'))
    elif command == 'reuters':
        # reuters.npz: x an object array of word lists, y int64 topics; keras/src/datasets/reuters.py's load_data.
        n = 23
        x = np.empty(n, dtype=object)
        for i in range(n):
            x[i] = [int(w) for w in rng.integers(1, 30, int(rng.integers(2, 15)))]
        np.savez(os.path.join(root, 'reuters.npz'), x=x, y=rng.integers(0, 46, n))
        out = []
        for case in json.loads(sys.argv[3]):
            length = case.pop('length')
            num_words, skip_top, maxlen = case.get('num_words'), case.get('skip_top', 0), case.get('maxlen')
            test_split, seed, start_char, oov_char, index_from = case.get('test_split', 0.2), case.get('seed', 113), 1, 2, 3
            with np.load(os.path.join(root, 'reuters.npz'), allow_pickle=True) as f:
                xs, labels = f['x'], f['y']
            rng2 = np.random.RandomState(seed)
            indices = np.arange(len(xs))
            rng2.shuffle(indices)
            xs = xs[indices]
            labels = labels[indices]
            xs = [[start_char] + [w + index_from for w in x] for x in xs]
            if maxlen:
                kept = [(x, y) for x, y in zip(xs, labels) if len(x) < maxlen]
                xs, labels = [x for x, _ in kept], [y for _, y in kept]
            if not num_words:
                num_words = max(max(x) for x in xs)
            xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
            idx = int(len(xs) * (1 - test_split))
            out.append({'train': pad_sequences(xs[:idx], length).tolist(), 'y_train': [int(v) for v in labels[:idx]],
                        'test': pad_sequences(xs[idx:], length).tolist(), 'y_test': [int(v) for v in labels[idx:]]})
        json.dump(out, open(os.path.join(root, 'expected.json'), 'w'))
    elif command == 'housing':
        # boston_housing.npz / california_housing.npz: float64 x (rows, features) and y; their load_data().
        out = {}
        for name, rows, features in (('boston_housing', 37, 13), ('california_housing', 650, 8)):
            np.savez(os.path.join(root, name + '.npz'), x=rng.normal(size=(rows, features)) * 100, y=rng.normal(size=rows) * 10)
            for version, test_split, seed in (('large', 0.2, 113), ('small', 0.3, 5)):
                with np.load(os.path.join(root, name + '.npz'), allow_pickle=False) as f:
                    x, y = f['x'], f['y']
                if name == 'california_housing' and version == 'small':
                    x, y = x[:600], y[:600]
                r = np.random.RandomState(seed)
                indices = np.arange(len(x))
                r.shuffle(indices)
                x, y = x[indices], y[indices]
                cut = int(len(x) * (1 - test_split))
                out['%s_%s' % (name, version)] = {'x_train': x[:cut].astype('float32').ravel().tolist(), 'y_train': y[:cut].astype('float32').tolist(),
                                                  'x_test': x[cut:].astype('float32').ravel().tolist(), 'y_test': y[cut:].astype('float32').tolist()}
        json.dump(out, open(os.path.join(root, 'expected.json'), 'w'))
    elif command == 'mnist':
        # Keras's mnist.npz: savez_compressed of uint8 x (N, 28, 28) and y (N,), as keras.datasets.mnist reads it.
        arrays = {'x_train': rng.integers(0, 256, (7, 28, 28), dtype=np.uint8), 'y_train': rng.integers(0, 10, 7).astype(np.uint8),
                  'x_test': rng.integers(0, 256, (3, 28, 28), dtype=np.uint8), 'y_test': rng.integers(0, 10, 3).astype(np.uint8)}
        np.savez_compressed(os.path.join(root, 'mnist.npz'), **arrays)
        with np.load(os.path.join(root, 'mnist.npz'), allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
        arrays['x_train'].tofile(os.path.join(root, 'x_train.u8'))
        json.dump({'y_train': arrays['y_train'].tolist(), 'y_test': arrays['y_test'].tolist()}, open(os.path.join(root, 'expected.json'), 'w'))
    elif command == 'imdb':
        path = os.path.join(root, 'imdb.npz')
        write_imdb(path, rng)
        cases = json.loads(sys.argv[3])
        out = []
        for case in cases:
            length = case.pop('length')
            (xt, yt), (xs, ys) = keras_imdb(path, **case)
            out.append({'raw_train': xt, 'train': pad_sequences(xt, length).tolist(), 'y_train': yt.tolist(),
                        'test': pad_sequences(xs, length).tolist(), 'y_test': ys.tolist()})
        json.dump(out, open(os.path.join(root, 'expected.json'), 'w'))
